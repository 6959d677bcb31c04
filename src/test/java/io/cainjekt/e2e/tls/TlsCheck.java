// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.e2e.tls;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The interface to {@code /usr/local/bin/tls-check} in the test images: the command line to run and
 * the parser for what it prints, one line per client:
 *
 * <pre>client=&lt;id&gt; verdict=trusted|untrusted|error detail=&lt;text to end of line&gt;</pre>
 *
 * <p>Thread-safe (stateless).
 */
public final class TlsCheck {

  /** Where the images install the script. */
  public static final String PATH = "/usr/local/bin/tls-check";

  private static final Pattern LINE =
      Pattern.compile("client=(\\S+) verdict=(trusted|untrusted|error) detail=(.*)");

  private TlsCheck() {}

  /** {@code tls-check URL}: every client. */
  public static List<String> command(URI url) {
    return List.of(PATH, url.toString());
  }

  /** {@code tls-check --only a,b URL}: only {@code clients}, in enum order. */
  public static List<String> command(URI url, Set<Client> clients) {
    String only = clients.stream().sorted().map(Client::id).collect(Collectors.joining(","));
    return List.of(PATH, "--only", only, url.toString());
  }

  /**
   * Parses tls-check output. Lines that are not result lines are ignored (a shell may add noise); a
   * client reported twice or an unknown client id is an {@link IllegalArgumentException}.
   */
  public static Map<Client, ClientResult> parse(String output) {
    Map<Client, ClientResult> results = new EnumMap<>(Client.class);
    for (String line : output.split("\n", -1)) {
      Matcher m = LINE.matcher(line.strip());
      if (!m.matches()) {
        continue;
      }
      Client client = Client.fromId(m.group(1));
      Verdict verdict = Verdict.valueOf(m.group(2).toUpperCase(Locale.ROOT));
      ClientResult previous = results.put(client, new ClientResult(client, verdict, m.group(3)));
      if (previous != null) {
        throw new IllegalArgumentException("tls-check reported " + client.id() + " twice");
      }
    }
    return Collections.unmodifiableMap(results);
  }

  /** Just the verdicts of {@link #parse(String)}. */
  public static Map<Client, Verdict> verdicts(String output) {
    Map<Client, Verdict> verdicts = new EnumMap<>(Client.class);
    parse(output).forEach((client, result) -> verdicts.put(client, result.verdict()));
    return Collections.unmodifiableMap(verdicts);
  }

  /** The clients of {@code results} whose verdict is not {@code expected}, with details. */
  public static List<ClientResult> mismatches(
      Map<Client, ClientResult> results, Set<Client> clients, Verdict expected) {
    List<ClientResult> wrong = new ArrayList<>();
    for (Client client : clients) {
      ClientResult result = results.get(client);
      if (result == null) {
        wrong.add(new ClientResult(client, Verdict.ERROR, "no line in tls-check output"));
      } else if (result.verdict() != expected) {
        wrong.add(result);
      }
    }
    return wrong;
  }
}
