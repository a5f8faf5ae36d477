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
}
