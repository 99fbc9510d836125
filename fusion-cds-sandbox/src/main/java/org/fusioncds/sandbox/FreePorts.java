package org.fusioncds.sandbox;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.fusioncds.error.ErrorCode;

/** A free TCP port on the loopback address, for the demo's servers. */
public final class FreePorts {

  private FreePorts() {}

  public static int find() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new SandboxException(
          ErrorCode.NO_FREE_PORT, "no free loopback port — " + e.getMessage(), e);
    }
  }
}
