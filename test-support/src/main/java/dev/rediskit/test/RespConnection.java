package dev.rediskit.test;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A minimal blocking RESP2 connection over a plain or TLS socket.
 *
 * <p>The support code controls and inspects servers with this instead of the Vert.x client under test, so that a
 * bug in the client (or in an event-loop setup) cannot hide behind the fixture, and so that nothing depends on
 * {@code redis-cli} being installed.
 *
 * <p>Replies are returned as {@link String} (simple and bulk strings, decoded as UTF-8), {@link Long} (integers),
 * {@link List} (arrays) or {@code null} (null bulk string or array). A top-level error reply is thrown as
 * {@link RespError}; an error nested inside an array (e.g. in an {@code EXEC} result) is returned as a
 * {@link RespError} element. I/O failures are thrown as {@link UncheckedIOException} so that calls fit in lambdas.
 */
public final class RespConnection implements AutoCloseable {

  /** Connecting to a local port either works at once or not at all; the slack is for a stalled, busy machine. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /** Long enough for {@code DEBUG SLEEP} or a slow {@code FLUSHALL}; still bounded so a hung server fails a test. */
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);

  private static final byte[] CRLF = {'\r', '\n'};

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private RespConnection(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream());
    this.out = new BufferedOutputStream(socket.getOutputStream());
  }

  /**
   * Opens a plain TCP connection with the default timeouts.
   *
   * @param host host to connect to, normally {@code 127.0.0.1}
   * @param port port to connect to
   * @return the open connection
   * @throws UncheckedIOException when the connection cannot be made
   */
  public static RespConnection open(String host, int port) {
    return open(host, port, null, DEFAULT_READ_TIMEOUT);
  }

  /**
   * Opens a connection, over TLS when a socket factory is given.
   *
   * @param host        host to connect to; with TLS it is also the name the certificate is checked against
   * @param port        port to connect to
   * @param tls         TLS socket factory, or {@code null} for plain TCP
   * @param readTimeout how long a single read may block
   * @return the open connection, with the TLS handshake done
   * @throws UncheckedIOException when the connection or the handshake fails
   */
  public static RespConnection open(String host, int port, SSLSocketFactory tls, Duration readTimeout) {
    return open(host, port, tls, host, readTimeout);
  }

  /**
   * Opens a connection, over TLS when a socket factory is given, checking the certificate against a name other
   * than the address connected to (as a client given {@code rediss://localhost} that reached {@code 127.0.0.1}).
   *
   * @param host          host to connect to
   * @param port          port to connect to
   * @param tls           TLS socket factory, or {@code null} for plain TCP
   * @param tlsServerName the name the server certificate must list (and the SNI name sent)
   * @param readTimeout   how long a single read may block
   * @return the open connection, with the TLS handshake done
   * @throws UncheckedIOException when the connection or the handshake fails
   */
  public static RespConnection open(String host, int port, SSLSocketFactory tls, String tlsServerName,
      Duration readTimeout) {
    Socket plain = new Socket();
    try {
      plain.setTcpNoDelay(true);
      plain.connect(new InetSocketAddress(host, port), (int) DEFAULT_CONNECT_TIMEOUT.toMillis());
      plain.setSoTimeout((int) readTimeout.toMillis());
      Socket socket = plain;
      if (tls != null) {
        SSLSocket ssl = (SSLSocket) tls.createSocket(plain, tlsServerName, port, true);
        // Check the server certificate against the host like a real client would, so that a certificate without
        // the right subject alternative names fails here and not only in the client under test.
        SSLParameters parameters = ssl.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        ssl.setSSLParameters(parameters);
        ssl.startHandshake();
        socket = ssl;
      }
      return new RespConnection(socket);
    } catch (IOException e) {
      closeQuietly(plain);
      throw new UncheckedIOException("Cannot connect to " + host + ":" + port + (tls != null ? " over TLS" : ""), e);
    }
  }

  /**
   * Sends one command and reads its reply.
   *
   * @param args the command and its arguments, e.g. {@code "SET", "k", "v"}
   * @return the parsed reply
   * @throws RespError           when the server answers with an error
   * @throws UncheckedIOException on I/O failure or read timeout
   */
  public Object call(String... args) {
    send(args);
    return read();
  }

  /**
   * Sends one command without reading the reply, for pipelining or for commands whose reply is read later.
   *
   * @param args the command and its arguments
   * @throws UncheckedIOException on I/O failure
   */
  public void send(String... args) {
    if (args.length == 0) {
      throw new IllegalArgumentException("No command given");
    }
    try {
      writeLine("*" + args.length);
      for (String arg : args) {
        byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
        writeLine("$" + bytes.length);
        out.write(bytes);
        out.write(CRLF);
      }
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot send " + args[0], e);
    }
  }

  /**
   * Reads the next reply, e.g. a pipelined reply or a pub/sub message.
   *
   * @return the parsed reply
   * @throws RespError           when the reply is an error
   * @throws UncheckedIOException on I/O failure, read timeout, or when the server closed the connection
   */
  public Object read() {
    try {
      Object reply = readReply();
      if (reply instanceof RespError error) {
        // A fresh exception so that the stack trace points at the caller, not at the parser.
        throw new RespError(error.getMessage());
      }
      return reply;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read reply", e);
    }
  }

  /**
   * Changes how long a single read may block, e.g. to assert that no reply arrives within a short time.
   *
   * @param timeout the new read timeout
   */
  public void setReadTimeout(Duration timeout) {
    try {
      socket.setSoTimeout((int) timeout.toMillis());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The underlying socket, for tests that need its local port (to find it in {@code CLIENT LIST}) or raw access.
   *
   * @return the socket
   */
  public Socket socket() {
    return socket;
  }

  /** Closes the socket; never throws. */
  @Override
  public void close() {
    closeQuietly(socket);
  }

  private Object readReply() throws IOException {
    int type = in.read();
    if (type < 0) {
      throw new EOFException("Connection closed by server");
    }
    String line = readLine();
    switch (type) {
      case '+':
        return line;
      case '-':
        return new RespError(line);
      case ':':
        return Long.parseLong(line);
      case '$': {
        int length = Integer.parseInt(line);
        if (length < 0) {
          return null;
        }
        byte[] data = in.readNBytes(length);
        if (data.length < length || in.read() != '\r' || in.read() != '\n') {
          throw new EOFException("Truncated bulk string");
        }
        return new String(data, StandardCharsets.UTF_8);
      }
      case '*': {
        int count = Integer.parseInt(line);
        if (count < 0) {
          return null;
        }
        List<Object> items = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
          items.add(readReply());
        }
        return items;
      }
      default:
        throw new IOException("Unexpected RESP type byte '" + (char) type + "' followed by: " + line);
    }
  }

  private String readLine() throws IOException {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream(64);
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("Connection closed in the middle of a reply");
      }
      if (b == '\r') {
        if (in.read() != '\n') {
          throw new IOException("Malformed RESP line");
        }
        return buffer.toString(StandardCharsets.UTF_8);
      }
      buffer.write(b);
    }
  }

  private void writeLine(String line) throws IOException {
    out.write(line.getBytes(StandardCharsets.US_ASCII));
    out.write(CRLF);
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // Nothing useful to do: the socket is being discarded either way.
    }
  }
}
