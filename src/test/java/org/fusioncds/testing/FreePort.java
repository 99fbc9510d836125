package org.fusioncds.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** A TCP port that was free on 127.0.0.1 a moment ago (a later bind can still lose a race). */
public final class FreePort {

  private FreePort() {}

  /** An ephemeral port the OS handed out and that is closed again. */
  public static int find() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free TCP port on 127.0.0.1", e);
    }
  }
}
