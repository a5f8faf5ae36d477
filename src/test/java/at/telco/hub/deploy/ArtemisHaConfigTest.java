package at.telco.hub.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import at.telco.hub.embedded.ArtemisSecurity;
import java.nio.file.Path;
import java.util.List;
import org.apache.activemq.artemis.core.config.ClusterConnectionConfiguration;
import org.apache.activemq.artemis.core.config.FileDeploymentManager;
import org.apache.activemq.artemis.core.config.ha.ReplicaPolicyConfiguration;
import org.apache.activemq.artemis.core.config.ha.ReplicatedPolicyConfiguration;
import org.apache.activemq.artemis.core.config.impl.FileConfiguration;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.junit.jupiter.api.Test;

/**
 * The broker.xml parts of deploy/ha, read by Artemis' own configuration parser (which validates
 * them against its schema): a replicated primary and backup that point at each other, as in
 * ArtemisFailoverIT.
 */
class ArtemisHaConfigTest {

  static FileConfiguration read(String file) throws Exception {
    FileConfiguration config = new FileConfiguration();
    FileDeploymentManager deployment =
        new FileDeploymentManager(Path.of("deploy/ha", file).toUri().toString());
    deployment.addDeployable(config);
    deployment.readConfiguration();
    return config;
  }

  @Test
  void primaryAndBackupReplicateAndPointAtEachOther() throws Exception {
    FileConfiguration primary = read("artemis-primary-broker.xml");
    FileConfiguration backup = read("artemis-backup-broker.xml");
    assertThat(primary.getHAPolicyConfiguration())
        .isInstanceOf(ReplicatedPolicyConfiguration.class);
    assertThat(
            ((ReplicatedPolicyConfiguration) primary.getHAPolicyConfiguration())
                .isCheckForActiveServer())
        .isTrue();
    assertThat(backup.getHAPolicyConfiguration()).isInstanceOf(ReplicaPolicyConfiguration.class);
    assertThat(primary.isPersistenceEnabled()).isTrue();
    assertThat(backup.isPersistenceEnabled()).isTrue();
    ClusterConnectionConfiguration p = primary.getClusterConfigurations().get(0);
    ClusterConnectionConfiguration b = backup.getClusterConfigurations().get(0);
    assertThat(p.getName()).isEqualTo(b.getName());
    assertThat(primary.getConnectorConfigurations().get("self").getParams())
        .isEqualTo(backup.getConnectorConfigurations().get("other").getParams());
    assertThat(primary.getConnectorConfigurations().get("other").getParams())
        .isEqualTo(backup.getConnectorConfigurations().get("self").getParams());
    assertThat(primary.getAddressSettings().get("#").getAddressFullMessagePolicy())
        .isEqualTo(AddressFullMessagePolicy.PAGE);
  }

  @Test
  void bothBrokersRestrictTheHubsUserToTheHubsAddressesAsTheEmbeddedBrokerDoes() throws Exception {
    for (String file : List.of("artemis-primary-broker.xml", "artemis-backup-broker.xml")) {
      FileConfiguration config = read(file);
      assertThat(config.isSecurityEnabled()).as(file).isTrue();
      assertThat(config.isManagementMessageRbac()).as(file).isTrue();
      assertThat(config.getManagementRbacPrefix())
          .as(file)
          .isEqualTo(ArtemisSecurity.MANAGEMENT_RBAC_PREFIX);
      // the same security settings as the embedded broker and ArtemisFailoverIT's pair
      assertThat(config.getSecurityRoles())
          .as(file)
          .isEqualTo(ArtemisSecurity.settings("DLQ.", "PARK.network-inventory"));
      // the hub's role has no rights on other addresses
      assertThat(config.getSecurityRoles().get("#"))
          .extracting(Role::getName)
          .containsExactly(ArtemisSecurity.ADMIN_ROLE);
      AddressSettings replies = config.getAddressSettings().get("hub.management.replies.#");
      assertThat(replies.isAutoDeleteQueues()).isTrue();
      assertThat(replies.getAutoDeleteQueuesMessageCount()).isEqualTo(-1L);
    }
  }
}
