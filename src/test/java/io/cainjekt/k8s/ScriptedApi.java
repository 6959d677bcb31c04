// SPDX-License-Identifier: Apache-2.0
package io.cainjekt.k8s;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * An API server on loopback that answers from a script, for what a CRUD mock cannot do: pages with
 * continue tokens, a watch that ends with 410 Gone, bookmarks, binary and oversized frames. Plain
 * HTTP/1.1 with {@code Connection: close}; a watch is a WebSocket (RFC 6455) whose text or binary
 * frames the script gives, then either a close frame or an open connection until the client leaves.
 */
final class ScriptedApi implements AutoCloseable {

  /** A request as the server read it. */
  record Request(String method, String target) {
    String path() {
      int q = target.indexOf('?');
      return q < 0 ? target : target.substring(0, q);
    }

    /** The decoded value of query parameter {@code name}, or empty. */
    String query(String name) {
      int q = target.indexOf('?');
      if (q < 0) {
        return "";
      }
      for (String pair : target.substring(q + 1).split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0 && pair.substring(0, eq).equals(name)) {
          return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        }
      }
      return "";
    }

    boolean isWatch() {
      return query("watch").equals("true");
    }
  }

  /** What the server answers. */
  sealed interface Answer {}

  /** A plain answer with a JSON body. */
  record Json(int status, String body) implements Answer {}

  /** A WebSocket watch: these frames, then a close frame or, if {@code hold}, silence. */
  record Watch(List<Frame> frames, boolean hold) implements Answer {}

  /** One WebSocket frame from the server. */
  record Frame(boolean binary, byte[] payload) {
    static Frame text(String json) {
      return new Frame(false, json.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static final String WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

  private final ServerSocket listener;
  private final Function<Request, Answer> script;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();

  ScriptedApi(Function<Request, Answer> script) throws IOException {
    this.script = script;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().name("scripted-api-accept").start(this::accept);
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + listener.getLocalPort());
  }

  /** Every request so far, in order. */
  List<Request> requests() {
    return List.copyOf(requests);
  }

  List<Request> watches() {
    return requests().stream().filter(Request::isWatch).toList();
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket socket = listener.accept();
        open.add(socket);
        Thread.ofVirtual().name("scripted-api-conn").start(() -> serve(socket));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket socket) {
    try (socket;
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream()) {
      List<String> head = readHead(in);
      String[] line = head.getFirst().split(" ");
      Request request = new Request(line[0], line[1]);
      requests.add(request);
      switch (script.apply(request)) {
        case Json json -> {
          byte[] body = json.body().getBytes(StandardCharsets.UTF_8);
          out.write(
              ("HTTP/1.1 "
                      + json.status()
                      + " Scripted\r\nContent-Type: application/json\r\nContent-Length: "
                      + body.length
                      + "\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
          out.write(body);
          out.flush();
        }
        case Watch watch -> {
          String key = header(head, "sec-websocket-key");
          out.write(
              ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      + "Sec-WebSocket-Accept: "
                      + accept(key)
                      + "\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
          for (Frame f : watch.frames()) {
            writeFrame(out, f.binary() ? 0x2 : 0x1, f.payload());
          }
          if (watch.hold()) {
            in.transferTo(OutputStream.nullOutputStream()); // until the client leaves
          } else {
            writeFrame(out, 0x8, new byte[] {0x03, (byte) 0xe8}); // 1000: normal closure
            out.flush();
            in.transferTo(OutputStream.nullOutputStream());
          }
        }
      }
    } catch (IOException e) {
      // the client went away
    } finally {
      open.remove(socket);
    }
  }

  private static List<String> readHead(InputStream in) throws IOException {
    List<String> lines = new ArrayList<>();
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      if (b == '\n') {
        String text = line.toString(StandardCharsets.US_ASCII).strip();
        if (text.isEmpty()) {
          return lines;
        }
        lines.add(text);
        line.reset();
      } else {
        line.write(b);
      }
    }
    throw new IOException("request ended inside its head");
  }

  private static String header(List<String> head, String name) {
    for (String h : head) {
      int colon = h.indexOf(':');
      if (colon > 0 && h.substring(0, colon).strip().toLowerCase(Locale.ROOT).equals(name)) {
        return h.substring(colon + 1).strip();
      }
    }
    return "";
  }

  private static String accept(String key) {
    try {
      byte[] sha1 =
          MessageDigest.getInstance("SHA-1")
              .digest((key + WEBSOCKET_GUID).getBytes(StandardCharsets.US_ASCII));
      return Base64.getEncoder().encodeToString(sha1);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** One unmasked, final frame (servers never mask). */
  private static void writeFrame(OutputStream out, int opcode, byte[] payload) throws IOException {
    out.write(0x80 | opcode);
    if (payload.length < 126) {
      out.write(payload.length);
    } else if (payload.length <= 0xffff) {
      out.write(126);
      out.write(payload.length >>> 8);
      out.write(payload.length & 0xff);
    } else {
      out.write(127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        out.write((int) ((long) payload.length >>> shift) & 0xff);
      }
    }
    out.write(payload);
    out.flush();
  }

  @Override
  public void close() throws IOException {
    listener.close();
    for (Socket s : open) {
      s.close();
    }
  }
}
