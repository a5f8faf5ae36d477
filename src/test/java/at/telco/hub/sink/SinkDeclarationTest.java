package at.telco.hub.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Sink declarations: the shipped ones read, and a wrong one says which file and field. */
class SinkDeclarationTest {

  private static SinkDeclaration parse(String yaml) {
    return SinkDeclaration.parse("sinks/test.yaml", yaml, t -> t.replace("{{topic}}", "t1"));
  }

  @Test
  void theShippedDeclarationsAreRead() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(Path.of("sinks"))) {
      files = s.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(files).hasSizeGreaterThanOrEqualTo(4);
    for (Path f : files) {
      SinkDeclaration d = SinkDeclaration.parse(f.toString(), Files.readString(f), t -> t);
      assertThat(f.getFileName().toString()).isEqualTo(d.name() + ".yaml");
      assertThat(d.tables()).isNotEmpty();
    }
  }

  @Test
  void aDeclarationBecomesTablesKeysAndVersions() {
    SinkDeclaration d =
        parse(
            """
            name: selfcare
            entity: customer
            topic: "{{topic}}"
            group: hub-selfcare
            database: {name: selfcare, jdbcUrl: "jdbc:postgresql://h/selfcare", username: hub,
                       passwordEnv: SELFCARE_PASSWORD}
            mapping: canonical-customer-to-selfcare
            tables:
              - name: selfcare.user_profile
                key: customer_id
                columns: [display_name, email, language]
                touch: updated_at
            """);
    assertThat(d.topic()).isEqualTo("t1");
    assertThat(d.versions().inHub()).isTrue();
    assertThat(d.database().known()).isFalse();
    assertThat(d.main().key()).containsExactly("customer_id");
    assertThat(d.routeId()).isEqualTo("sink-selfcare");
    assertThat(d.lock()).isTrue();
  }

  @Test
  void aPasswordInTheDeclarationIsRefused() {
    assertThatThrownBy(
            () ->
                parse(
                    """
                    name: x
                    entity: customer
                    topic: t
                    group: g
                    database: {name: x, jdbcUrl: u, username: u, password: secret}
                    mapping: m
                    tables: [{name: a.b, key: id}]
                    """))
        .hasMessageContaining("sinks/test.yaml")
        .hasMessageContaining("database.password")
        .hasMessageNotContaining("secret");
  }

  @Test
  void anUnknownFieldIsNamed() {
    assertThatThrownBy(
            () ->
                parse(
                    """
                    name: x
                    entity: customer
                    topic: t
                    group: g
                    database: customerdb
                    mapping: m
                    tables: [{name: a.b, key: id, colums: [c]}]
                    """))
        .hasMessageContaining("tables[0].colums");
  }

  @Test
  void aChildTableNeedsItsParent() {
    assertThatThrownBy(
            () ->
                parse(
                    """
                    name: x
                    entity: customer
                    topic: t
                    group: g
                    database: customerdb
                    mapping: m
                    tables:
                      - {name: a.b, key: id}
                      - {name: a.c, rows: cs, key: [k]}
                    """))
        .hasMessageContaining("tables[1].parent is required");
  }

  private static final String MINIMAL =
      """
      name: x
      entity: %s
      topic: t
      group: g
      database: customerdb
      mapping: m
      tables: [{name: a.b, key: id, columns: [%s]}]
      %s
      """;

  @Test
  void aColumnNameThatIsNotAPlainIdentifierIsRefused() {
    assertThatThrownBy(() -> parse(MINIMAL.formatted("customer", "\"c; DROP TABLE x\"", "")))
        .hasMessageContaining("sinks/test.yaml: tables[0] names a column");
    assertThatThrownBy(() -> parse(MINIMAL.formatted("customer", "Name", "")))
        .hasMessageContaining("not Name");
  }

  @Test
  void reconcileNamesTheMasterOfItsEntityAndAPairLabel() {
    SinkDeclaration.Reconcile short_ =
        parse(MINIMAL.formatted("customer", "c", "reconcile: crm")).reconcile();
    assertThat(short_.from()).isEqualTo("crm");
    assertThat(short_.pair()).isEqualTo("crm->x");
    assertThat(short_.by()).isEqualTo("id");
    assertThat(short_.compare()).isNull();

    SinkDeclaration.Reconcile full =
        parse(
                MINIMAL.formatted(
                    "billing", "ba_no", "reconcile: {from: billing, pair: billing->x, by: ba_no}"))
            .reconcile();
    assertThat(full.pair()).isEqualTo("billing->x");
    assertThat(full.by()).isEqualTo("ba_no");

    assertThatThrownBy(() -> parse(MINIMAL.formatted("billing", "c", "reconcile: crm")))
        .hasMessageContaining("reconcile of a sink of billing is from billing, not crm");
    assertThatThrownBy(() -> parse(MINIMAL.formatted("service", "c", "reconcile: crm")))
        .hasMessageContaining("is not for a sink of service");
    assertThatThrownBy(
            () -> parse(MINIMAL.formatted("customer", "c", "reconcile: {from: crm, by: nope}")))
        .hasMessageContaining("reconcile.by is a key or mapped column of a.b: nope");
  }
}
