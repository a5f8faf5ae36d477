package at.telco.hub.launcher;

import at.telco.hub.cli.HubCli;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import picocli.CommandLine.Command;

/**
 * {@code hash-password}: prints the bcrypt hash of a password read from the terminal (not echoed)
 * or from standard input, for {@code hub.auth.users} / {@code hub.auth.users-file}.
 */
@Command(
    name = "hash-password",
    description = {
      "Prints the bcrypt hash of a password, for the API's users.",
      "For the settings hub.auth.users and hub.auth.users-file. The password is read from the"
          + " terminal (not echoed) or from standard input."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:done", "2:usage, or a password of fewer than 12 characters"})
final class HashPasswordCommand implements Callable<Integer> {

  @Override
  public Integer call() throws IOException {
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
