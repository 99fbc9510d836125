package org.fusioncds.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback port that counts the connections made to it (and closes them): the witness that a
 * refused URL was never connected to.
 */
public final class ConnectionCounter implements AutoCloseable {

  private final ServerSocket socket;
  private final AtomicInteger accepted = new AtomicInteger();

  private ConnectionCounter(ServerSocket socket) {
    this.socket = socket;
    Thread t = new Thread(this::acceptAll, "connection-counter");
    t.setDaemon(true);
    t.start();
  }

  public static ConnectionCounter open() {
    try {
      return new ConnectionCounter(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return socket.getLocalPort();
  }

  public int accepted() {
    return accepted.get();
  }

  private void acceptAll() {
    while (!socket.isClosed()) {
      try (Socket s = socket.accept()) {
        accepted.incrementAndGet();
      } catch (IOException closed) {
        return;
      }
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
