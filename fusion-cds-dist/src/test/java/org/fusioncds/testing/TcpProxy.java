package org.fusioncds.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.fusioncds.sandbox.FreePorts;

/**
 * A loopback TCP proxy a test controls, in front of a real server: {@link #refuse()} closes its
 * listening socket and every open connection (a client then gets "connection refused", as from a
 * server that is down), {@link #accept()} listens again on the same port.
 */
public final class TcpProxy implements AutoCloseable {

  private final int port;
  private final String targetHost;
  private final int targetPort;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile ServerSocket listener;

  public TcpProxy(String targetHost, int targetPort) throws IOException {
    this.port = FreePorts.find();
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    accept();
  }

  public int port() {
    return port;
  }

  /** Listens (again) on the proxy's port. */
  public synchronized void accept() throws IOException {
    if (listener != null) {
      return;
    }
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
    listener = s;
    Thread t = new Thread(() -> loop(s), "tcp-proxy-" + port);
    t.setDaemon(true);
    t.start();
  }

  /** Stops listening and cuts every open connection: the server looks down. */
  public synchronized void refuse() {
    ServerSocket s = listener;
    listener = null;
    closeQuietly(s);
    for (Socket c : open) {
      closeQuietly(c);
    }
    open.clear();
  }

  private void loop(ServerSocket s) {
    while (!s.isClosed()) {
      Socket client;
      try {
        client = s.accept();
      } catch (IOException e) {
        return; // refused: closed
      }
      try {
        Socket server = new Socket(targetHost, targetPort);
        open.add(client);
        open.add(server);
        pipe(client, server);
        pipe(server, client);
      } catch (IOException e) {
        closeQuietly(client);
      }
    }
  }

  private void pipe(Socket from, Socket to) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[16384];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                  out.write(buf, 0, n);
                  out.flush();
                }
              } catch (IOException ignored) {
                // one side closed
              } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
              }
            },
            "tcp-proxy-pipe");
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(java.io.Closeable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  @Override
  public void close() {
    refuse();
  }
}
