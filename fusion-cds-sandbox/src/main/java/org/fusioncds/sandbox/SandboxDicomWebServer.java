package org.fusioncds.sandbox;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import org.fusioncds.error.ErrorCode;

/**
 * A read-only DICOMweb endpoint (DICOM PS3.18) over a folder of DICOM files, on 127.0.0.1 at {@code
 * /dicom-web}: QIDO-RS (10.6) for studies, series and instances; WADO-RS (10.4) metadata, frames
 * (as stored, or transcoded to Explicit VR Little Endian when asked and decodable) and instances
 * (as stored). Files are indexed by content at start. For the demo and the tests only.
 *
 * <p>Metadata omits bulk data (no BulkDataURI): pixel data is read through the frames resource,
 * anything else bulk through the instance resource. Errors are JSON {@code {"code", "message"}}
 * with codes 8030–8049: 404 unknown UID or frame, 400 malformed UID, query or frame list, 406
 * unsatisfiable Accept, 401 refused Authorization, 405 other methods.
 */
public final class SandboxDicomWebServer implements AutoCloseable {

  private final HttpServer http;
  private final ExecutorService workers;
  private final DicomFolderIndex index;
  private final String baseUrl;

  private SandboxDicomWebServer(
      HttpServer http, ExecutorService workers, DicomFolderIndex index, String baseUrl) {
    this.http = http;
    this.workers = workers;
    this.index = index;
    this.baseUrl = baseUrl;
  }

  /** Serves {@code root} on a free port, with no Authorization check. */
  public static SandboxDicomWebServer start(Path root) {
    return start(root, 0, header -> true);
  }

  /**
   * Serves {@code root} on {@code port} (0: a free one).
   *
   * @param authorization decides on each request's Authorization header (null when absent); a
   *     refusal is 401 FCDS-8047
   */
  public static SandboxDicomWebServer start(Path root, int port, Predicate<String> authorization) {
    Objects.requireNonNull(authorization, "authorization");
    DicomFolderIndex index = DicomFolderIndex.build(root);
    HttpServer http;
    try {
      http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
    } catch (IOException | IllegalArgumentException e) {
      throw new SandboxException(
          ErrorCode.DICOMWEB_SANDBOX_PORT, "DICOMweb sandbox cannot listen on port " + port, e);
    }
    String baseUrl = "http://127.0.0.1:" + http.getAddress().getPort() + "/dicom-web";
    ExecutorService workers =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "dicomweb-sandbox");
              t.setDaemon(true);
              return t;
            });
    http.setExecutor(workers);
    http.createContext("/", new DicomWebHandler(index, baseUrl, authorization));
    http.start();
    return new SandboxDicomWebServer(http, workers, index, baseUrl);
  }

  /** The service root, for example {@code http://127.0.0.1:41234/dicom-web}. */
  public String baseUrl() {
    return baseUrl;
  }

  /** How many instances the folder gave. */
  public int instanceCount() {
    return index.instanceCount();
  }

  /** How many files were skipped (not DICOM, no UIDs, or a SOP Instance UID seen before). */
  public int skippedFiles() {
    return index.skipped();
  }

  @Override
  public void close() {
    http.stop(0);
    workers.shutdownNow();
  }
}
