package at.telco.hub.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/**
 * Prints the bcrypt hash of a password read from the terminal (not echoed) or from standard input,
 * for {@code hub.auth.users} / {@code hub.auth.users-file}.
 */
public final class HashPassword {

  private HashPassword() {}

  public static int run() throws IOException {
    Console console = System.console();
    String password;
    if (console != null) {
      char[] p = console.readPassword("password: ");
      password = p == null ? null : new String(p);
    } else {
      password =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    }
    if (password == null || password.length() < 12) {
      System.err.println("hash-password: a password has at least 12 characters");
      return HubCli.USAGE;
    }
    System.out.println(new BCryptPasswordEncoder().encode(password));
    return HubCli.OK;
  }
}
