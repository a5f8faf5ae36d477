package at.telco.hub.cli;

import java.io.IOException;

/** A group of client commands of the management API ({@code dlq}, {@code consistency}, ...). */
abstract class ClientGroup {

  private final String name;
  final CliContext context;

  ClientGroup(String name, CliContext context) {
    this.name = name;
    this.context = context;
  }

  String name() {
    return name;
  }

  /** A signed-in client as the command's connection options say. */
  ApiClient open(Connection connection) throws IOException {
    return connection.open(name, context);
  }

  /** The progress of a long job of this group on standard error. */
  Progress progress(String label) {
    return Progress.of(label, context);
  }
}
