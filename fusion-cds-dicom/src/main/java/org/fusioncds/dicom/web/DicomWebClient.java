package org.fusioncds.dicom.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.resilience4j.retry.Retry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ObjIntConsumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.fusioncds.dicom.DicomException;
import org.fusioncds.error.ErrorCode;

/**
 * A DICOMweb client (DICOM PS3.18 2024): QIDO-RS search (§10.6), WADO-RS retrieval of metadata
 * (§10.4.1.1.2), frames (§10.4.1.1.4) and instances (§10.4.1.1.1), and STOW-RS store (§10.5), over
 * {@link java.net.http.HttpClient}.
 *
 * <p>Every call sends {@code Authorization: Bearer <token>} when the token source gives a token
 * (asked again for each attempt). 5xx, 429 and connection failures (including a response that
 * breaks off mid-body) are retried up to {@code maxRetries} times with exponential backoff; other
 * 4xx never are (the policy is declared in {@link DicomWebRetry}, a resilience4j Retry). The
 * request timeout bounds the wait for the response headers and every later wait for more body
 * bytes. Responses are streamed: instances go to files part by part, never whole into memory.
 * Errors are {@link DicomException}s with codes 2300–2324 (see the package documentation); they
 * name the method, the URL path (never the query string, which may carry patient identifiers) and
 * the status.
 */
public final class DicomWebClient implements AutoCloseable {

  /** Explicit VR Little Endian: native (uncompressed) pixels. */
  public static final String EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1";

  /** Ask for the transfer syntax the server has stored ({@code transfer-syntax=*}). */
  public static final String STORED_TRANSFER_SYNTAX = "*";

  private static final Pattern UID = Pattern.compile("[0-9]+(\\.[0-9]+)*");
  private static final String DICOM_JSON = "application/dicom+json";
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
  private static final AtomicInteger CLIENTS = new AtomicInteger();
  private static final int MAX_ERROR_BODY = 1 << 20;

  /**
   * The most bytes of one DICOM JSON answer (QIDO-RS results, WADO-RS metadata) read: one
   * instance's metadata is a few KB, a QIDO search of a few hundred instances some hundred KB. A
   * server sending more (without end) is cut there with FCDS-2316: the tree Jackson builds is many
   * times the bytes (a 32 MiB cap still peaked at 0.8-1.1 GB of heap on tiny objects).
   */
  static final long MAX_JSON_BYTES = 4L << 20;

  private final URI base;
  private final Supplier<String> tokens;
  private final Duration requestTimeout;
  private final Duration totalTimeout;
  private final Retry retry;
  private final HttpClient http;
  private final ObjIntConsumer<URI> answers;
  private final ScheduledExecutorService timer;
  private final ObjectMapper json = new ObjectMapper();
  private final MultipartRelatedParser multipart = new MultipartRelatedParser();

  /**
   * How a client connects, waits and retries.
   *
   * @param connectTimeout the limit to open a connection ({@code dicomweb.connect-timeout-ms})
   * @param requestTimeout the limit to wait for the response headers, and for each later piece of
   *     the body ({@code dicomweb.read-timeout-ms})
   * @param maxRetries how often a 5xx, a 429 or a connection failure is retried, 0: never ({@code
   *     dicomweb.retry.max-retries})
   * @param backoff the wait before the first retry; doubled for each further one ({@code
   *     dicomweb.retry.backoff-ms})
   * @param maxBackoff the longest wait, a server's Retry-After included ({@code
   *     dicomweb.retry.max-backoff-ms})
   * @param totalTimeout the limit for a whole response body, however steadily it comes ({@code
   *     dicomweb.total-timeout-ms})
   */
  public record Settings(
      Duration connectTimeout,
      Duration requestTimeout,
      int maxRetries,
      Duration backoff,
      Duration maxBackoff,
      Duration totalTimeout,
      ObjIntConsumer<URI> answers) {

    /** The limit for a whole response body when none is given: 2 minutes. */
    public static final Duration DEFAULT_TOTAL_TIMEOUT = Duration.ofMinutes(2);

    /**
     * Settings that tell nobody of the answers ({@code answers} is told the request's URI and the
     * status of every HTTP answer, retries included; keep only its host and port: the path and
     * query can name a patient).
     */
    public Settings(
        Duration connectTimeout,
        Duration requestTimeout,
        int maxRetries,
        Duration backoff,
        Duration maxBackoff,
        Duration totalTimeout) {
      this(
          connectTimeout,
          requestTimeout,
          maxRetries,
          backoff,
          maxBackoff,
          totalTimeout,
          (server, status) -> {});
    }

    /** Settings with {@link #DEFAULT_TOTAL_TIMEOUT}. */
    public Settings(
        Duration connectTimeout,
        Duration requestTimeout,
        int maxRetries,
        Duration backoff,
        Duration maxBackoff) {
      this(connectTimeout, requestTimeout, maxRetries, backoff, maxBackoff, DEFAULT_TOTAL_TIMEOUT);
    }
  }

  /**
   * A client of one DICOMweb service.
   *
   * @param baseUrl the service root, for example {@code http://127.0.0.1:8042/dicom-web}
   * @param tokens the bearer token source, asked before every attempt; it may return {@code null}
   *     (then no Authorization header is sent)
   * @param connectTimeout the limit to open a connection
   * @param requestTimeout the limit to wait for the response headers, and for each later piece of
   *     the body
   * @param maxRetries how often a 5xx, a 429 or a connection failure is retried (0: never)
   * @param backoff the wait before the first retry; doubled for each further one, at most 30 s
   */
  public DicomWebClient(
      URI baseUrl,
      Supplier<String> tokens,
      Duration connectTimeout,
      Duration requestTimeout,
      int maxRetries,
      Duration backoff) {
    this(
        baseUrl,
        tokens,
        new Settings(connectTimeout, requestTimeout, maxRetries, backoff, MAX_BACKOFF));
  }

  /**
   * A client of one DICOMweb service.
   *
   * @param baseUrl the service root, for example {@code http://127.0.0.1:8042/dicom-web}
   * @param tokens the bearer token source, asked before every attempt; it may return {@code null}
   *     (then no Authorization header is sent)
   * @param settings timeouts and retries
   */
  public DicomWebClient(URI baseUrl, Supplier<String> tokens, Settings settings) {
    this.base = checkBase(baseUrl);
    this.tokens = Objects.requireNonNull(tokens, "tokens");
    Objects.requireNonNull(settings, "settings");
    this.requestTimeout = positive(settings.requestTimeout(), "requestTimeout");
    this.totalTimeout = positive(settings.totalTimeout(), "totalTimeout");
    this.answers = Objects.requireNonNull(settings.answers(), "answers");
    Duration backoff = Objects.requireNonNull(settings.backoff(), "backoff");
    Duration maxBackoff = Objects.requireNonNull(settings.maxBackoff(), "maxBackoff");
    if (settings.maxRetries() < 0 || backoff.isNegative() || maxBackoff.isNegative()) {
      throw new DicomException(
          ErrorCode.DICOMWEB_ARGUMENT_INVALID,
          "retries and backoff must not be negative, got "
              + settings.maxRetries()
              + ", "
              + backoff
              + " and "
              + maxBackoff);
    }
    this.retry =
        DicomWebRetry.retry(
            "dicomweb-" + CLIENTS.incrementAndGet(),
            DicomWebRetry.config(settings.maxRetries(), backoff, maxBackoff));
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(positive(settings.connectTimeout(), "connectTimeout"))
            .build();
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "dicomweb-stall-guard");
              t.setDaemon(true);
              return t;
            });
  }

  /** The service root this client talks to. */
  public URI baseUrl() {
    return base;
  }

  // ---------------------------------------------------------------- QIDO-RS (PS3.18 §10.6)

  /** QIDO-RS Search for Studies; a 204 No Content gives an empty list. */
  public List<JsonNode> searchStudies(Map<String, String> query) {
    return searchJson("/studies", query);
  }

  /** QIDO-RS Search for Series of one study. */
  public List<JsonNode> searchSeries(String studyUid, Map<String, String> query) {
    return searchJson("/studies/" + uid(studyUid) + "/series", query);
  }

  /** QIDO-RS Search for Instances of one series. */
  public List<JsonNode> searchInstances(
      String studyUid, String seriesUid, Map<String, String> query) {
    return searchJson(
        "/studies/" + uid(studyUid) + "/series/" + uid(seriesUid) + "/instances", query);
  }

  // ---------------------------------------------------------------- WADO-RS metadata

  /** WADO-RS Retrieve Study Metadata: one DICOM JSON object per instance. */
  public List<JsonNode> retrieveStudyMetadata(String studyUid) {
    return searchJson("/studies/" + uid(studyUid) + "/metadata", Map.of());
  }

  /** WADO-RS Retrieve Series Metadata: one DICOM JSON object per instance. */
  public List<JsonNode> retrieveSeriesMetadata(String studyUid, String seriesUid) {
    return searchJson(
        "/studies/" + uid(studyUid) + "/series/" + uid(seriesUid) + "/metadata", Map.of());
  }

  /** WADO-RS Retrieve Instance Metadata: a list of one DICOM JSON object. */
  public List<JsonNode> retrieveInstanceMetadata(
      String studyUid, String seriesUid, String instanceUid) {
    return searchJson(instancePath(studyUid, seriesUid, instanceUid) + "/metadata", Map.of());
  }

  // ---------------------------------------------------------------- WADO-RS frames

  /**
   * WADO-RS Retrieve Frames: the frames in the order asked, each with the transfer syntax the
   * server used (the {@code transfer-syntax} parameter of the part's Content-Type).
   *
   * @param frameNumbers 1-based frame numbers (PS3.18 §10.4.1.1.4)
   * @param transferSyntaxUid the syntax to ask for; {@link #STORED_TRANSFER_SYNTAX} for what the
   *     server stores, {@link #EXPLICIT_VR_LITTLE_ENDIAN} for native pixels
   */
  public List<Frame> retrieveFrames(
      String studyUid,
      String seriesUid,
      String instanceUid,
      int[] frameNumbers,
      String transferSyntaxUid) {
    return retrieveFrames(
        studyUid,
        seriesUid,
        instanceUid,
        frameNumbers,
        transferSyntaxUid,
        org.fusioncds.dicom.DicomLimits.DEFAULT.maxFrameBytes());
  }

  /**
   * As {@link #retrieveFrames(String, String, String, int[], String)}, reading at most {@code
   * maxFrameBytes} of any frame part (more: FCDS-2103, and the rest is never read). The caller that
   * knows the frame's geometry gives the bound it implies ({@link FrameFetcher}).
   */
  public List<Frame> retrieveFrames(
      String studyUid,
      String seriesUid,
      String instanceUid,
      int[] frameNumbers,
      String transferSyntaxUid,
      long maxFrameBytes) {
    String path =
        instancePath(studyUid, seriesUid, instanceUid) + "/frames/" + frameList(frameNumbers);
    String syntax = syntax(transferSyntaxUid == null ? STORED_TRANSFER_SYNTAX : transferSyntaxUid);
    String accept =
        "multipart/related; type=\""
            + TransferSyntaxes.frameMediaType(syntax)
            + "\"; transfer-syntax="
            + syntax;
    int[] numbers = frameNumbers.clone();
    return exchange(
        "GET",
        path,
        "",
        accept,
        null,
        null,
        (response, body) -> readFrames(response, body, numbers, syntax, path, maxFrameBytes));
  }

  // ---------------------------------------------------------------- WADO-RS instances

  /**
   * WADO-RS Retrieve Instance, streamed to a file in {@code folder} named {@code <instanceUid>.dcm}
   * (a further part, which a conforming server does not send, gets {@code -2}, {@code -3}…).
   *
   * @param transferSyntaxUid the syntax to ask for, {@code *} for the stored one, or {@code null}
   *     for the server's default (PS3.18: Explicit VR Little Endian)
   * @return the files written, in the order of the parts
   */
  public List<Path> retrieveInstance(
      String studyUid,
      String seriesUid,
      String instanceUid,
      String transferSyntaxUid,
      Path folder) {
    return retrieveDicom(
        instancePath(studyUid, seriesUid, instanceUid), transferSyntaxUid, folder, instanceUid);
  }

  /**
   * WADO-RS Retrieve Series, each instance streamed to its own file in {@code folder}, named {@code
   * <seriesUid>-<n>.dcm} in the order of the parts (n from 1).
   */
  public List<Path> retrieveSeries(
      String studyUid, String seriesUid, String transferSyntaxUid, Path folder) {
    return retrieveDicom(
        "/studies/" + uid(studyUid) + "/series/" + uid(seriesUid),
        transferSyntaxUid,
        folder,
        seriesUid);
  }

  // ---------------------------------------------------------------- STOW-RS (PS3.18 §10.5)

  /**
   * STOW-RS Store Instances: POSTs the files to {@code /studies} as one {@code multipart/related;
   * type="application/dicom"} body, streamed from disk.
   *
   * @return the server's Store Instances Response (DICOM JSON)
   * @throws DicomException 2307 when the server refused some or all instances (a 409, or items in
   *     the Failed SOP Sequence), listing the failed SOP Instance UIDs and reasons
   */
  public JsonNode store(List<Path> files) {
    StowRequestBody body = new StowRequestBody(files);
    String path = "/studies";
    return exchange(
        "POST",
        path,
        "",
        DICOM_JSON,
        body::publisher,
        body.contentType(),
        (response, in) -> readStoreResponse(response, in, path, files.size()),
        400,
        409);
  }

  private JsonNode readStoreResponse(
      HttpResponse<?> response, InputStream in, String path, int sent) throws IOException {
    int status = response.statusCode();
    if (status < 300) {
      return StowResponses.check(readJsonBody(response, in, path), status, fullPath(path), sent);
    }
    // an error answer may carry the Store Instances Response with or without a JSON Content-Type
    // (Orthanc 1.10 sends none with its 400)
    JsonNode body;
    try {
      body = json.readTree(in.readNBytes(MAX_ERROR_BODY));
    } catch (JsonProcessingException e) {
      body = null;
    }
    if (body == null || !body.isObject()) {
      throw new DicomException(
          ErrorCode.STOW_REFUSED,
          "STOW-RS POST "
              + fullPath(path)
              + " answered HTTP status "
              + status
              + " without a Store Instances Response; none of the "
              + sent
              + " instances is known to be stored");
    }
    return StowResponses.check(body, status, fullPath(path), sent);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }

  // ---------------------------------------------------------------- internals

  private List<JsonNode> searchJson(String path, Map<String, String> query) {
    String q = encodeQuery(query);
    return exchange(
        "GET",
        path,
        q,
        DICOM_JSON,
        null,
        null,
        (response, body) -> {
          if (response.statusCode() == 204) {
            return List.of();
          }
          JsonNode node = readJsonBody(response, body, path);
          if (!node.isArray()) {
            throw new DicomException(
                ErrorCode.DICOMWEB_JSON_INVALID,
                "GET "
                    + fullPath(path)
                    + " answered a JSON "
                    + node.getNodeType()
                    + ", not an array");
          }
          List<JsonNode> items = new ArrayList<>(node.size());
          node.forEach(items::add);
          return List.copyOf(items);
        });
  }

  private JsonNode readJsonBody(HttpResponse<?> response, InputStream body, String path)
      throws IOException {
    MediaType type = MediaType.parse(contentType(response.headers()));
    if (!type.is(DICOM_JSON) && !type.is("application/json")) {
      throw new DicomException(
          ErrorCode.DICOMWEB_CONTENT_TYPE,
          response.request().method()
              + " "
              + fullPath(path)
              + " answered Content-Type '"
              + type.type()
              + "', expected "
              + DICOM_JSON);
    }
    try {
      JsonNode node = json.readTree(new CappedStream(body, MAX_JSON_BYTES, response, path));
      if (node == null || node.isMissingNode()) {
        throw new DicomException(
            ErrorCode.DICOMWEB_JSON_INVALID,
            response.request().method() + " " + fullPath(path) + " answered an empty body");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new DicomException(
          ErrorCode.DICOMWEB_JSON_INVALID,
          response.request().method()
              + " "
              + fullPath(path)
              + " answered invalid JSON at line "
              + e.getLocation().getLineNr()
              + ", column "
              + e.getLocation().getColumnNr(),
          e);
    }
  }

  private List<Frame> readFrames(
      HttpResponse<?> response,
      InputStream body,
      int[] numbers,
      String syntax,
      String path,
      long maxFrameBytes)
      throws IOException {
    String contentType = requireMultipart(response, path);
    String fallback = TransferSyntaxes.fromMultipartType(contentType);
    List<Frame> frames = new ArrayList<>();
    multipart.parse(
        body,
        contentType,
        part -> {
          if (frames.size() >= numbers.length) {
            throw partCountMismatch(path, numbers.length, frames.size() + 1);
          }
          MediaType type = part.contentType();
          String used = type.parameter("transfer-syntax");
          if (used == null) {
            used = fallback != null ? fallback : TransferSyntaxes.assumed(type, syntax);
          }
          if (used == null) {
            throw new DicomException(
                ErrorCode.DICOMWEB_CONTENT_TYPE,
                "GET "
                    + fullPath(path)
                    + " answered frame part "
                    + part.index()
                    + " of type '"
                    + type.type()
                    + "' without a transfer-syntax parameter");
          }
          frames.add(
              new Frame(
                  numbers[frames.size()], used, frameBytes(part.body(), path, maxFrameBytes)));
        });
    if (frames.size() != numbers.length) {
      throw partCountMismatch(path, numbers.length, frames.size());
    }
    return List.copyOf(frames);
  }

  /** A frame part's bytes, at most {@code max} (else 2103). */
  private byte[] frameBytes(InputStream part, String path, long max) throws IOException {
    byte[] data = part.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
    if (data.length > max) {
      throw new DicomException(
          ErrorCode.FRAME_TOO_LARGE,
          "GET " + fullPath(path) + " answered a frame part over " + max + " bytes");
    }
    return data;
  }

  /** A response body read up to a cap; one byte more is FCDS-2316. */
  private final class CappedStream extends java.io.FilterInputStream {
    private final long cap;
    private final HttpResponse<?> response;
    private final String path;
    private long read;

    CappedStream(InputStream in, long cap, HttpResponse<?> response, String path) {
      super(in);
      this.cap = cap;
      this.response = response;
      this.path = path;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      count(b < 0 ? 0 : 1);
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      count(Math.max(n, 0));
      return n;
    }

    private void count(int n) {
      read += n;
      if (read > cap) {
        throw new DicomException(
            ErrorCode.DICOMWEB_JSON_TOO_LARGE,
            response.request().method()
                + " "
                + fullPath(path)
                + " answered DICOM JSON of more than "
                + cap
                + " bytes");
      }
    }
  }

  private DicomException partCountMismatch(String path, int asked, int got) {
    return new DicomException(
        ErrorCode.DICOMWEB_PART_COUNT,
        "GET " + fullPath(path) + " asked for " + asked + " frames, the answer has " + got);
  }

  private List<Path> retrieveDicom(
      String path, String transferSyntaxUid, Path folder, String stem) {
    String accept = "multipart/related; type=\"application/dicom\"";
    if (transferSyntaxUid != null) {
      accept += "; transfer-syntax=" + syntax(transferSyntaxUid);
    }
    try {
      Files.createDirectories(folder);
    } catch (IOException e) {
      throw new DicomException(
          ErrorCode.DICOMWEB_LOCAL_FILE, "cannot create the folder " + folder, e);
    }
    boolean single = path.contains("/instances/");
    return exchange(
        "GET",
        path,
        "",
        accept,
        null,
        null,
        (response, body) -> writeParts(response, body, path, folder, stem, single));
  }

  private List<Path> writeParts(
      HttpResponse<?> response,
      InputStream body,
      String path,
      Path folder,
      String stem,
      boolean single)
      throws IOException {
    String contentType = requireMultipart(response, path);
    List<Path> written = new ArrayList<>();
    try {
      multipart.parse(
          body,
          contentType,
          part -> {
            MediaType type = part.contentType();
            if (part.header("Content-Type") != null && !type.is("application/dicom")) {
              throw new DicomException(
                  ErrorCode.DICOMWEB_CONTENT_TYPE,
                  "GET "
                      + fullPath(path)
                      + " answered part "
                      + part.index()
                      + " of type '"
                      + type.type()
                      + "', expected application/dicom");
            }
            int n = part.index() + 1;
            String name =
                single
                    ? (n == 1 ? stem + ".dcm" : stem + "-" + n + ".dcm")
                    : stem + "-" + n + ".dcm";
            written.add(copyToFile(part.body(), folder.resolve(name)));
          });
      return List.copyOf(written);
    } catch (IOException | RuntimeException e) {
      for (Path p : written) {
        Files.deleteIfExists(p);
      }
      throw e;
    }
  }

  private String requireMultipart(HttpResponse<?> response, String path) {
    String contentType = contentType(response.headers());
    if (!MediaType.parse(contentType).is("multipart/related")) {
      throw new DicomException(
          ErrorCode.DICOMWEB_CONTENT_TYPE,
          "GET "
              + fullPath(path)
              + " answered Content-Type '"
              + contentType
              + "', expected multipart/related");
    }
    return contentType;
  }

  /** Reads one response; runs inside each attempt, so a body that breaks off is retried. */
  @FunctionalInterface
  private interface ResponseReader<T> {
    T read(HttpResponse<InputStream> response, InputStream body) throws IOException;
  }

  private <T> T exchange(
      String method,
      String path,
      String query,
      String accept,
      Supplier<BodyPublisher> body,
      String contentType,
      ResponseReader<T> reader,
      int... readableErrors) {
    URI uri = URI.create(base + path + (query.isEmpty() ? "" : "?" + query));
    String where = method + " " + uri.getRawPath();
    AtomicInteger attempts = new AtomicInteger();
    try {
      return retry.executeSupplier(
          () -> {
            int attempt = attempts.getAndIncrement();
            HttpRequest request = request(method, uri, accept, body, contentType);
            return attempt(where, request, attempt, reader, readableErrors);
          });
    } catch (DicomWebRetry.Retryable e) {
      if (Thread.currentThread().isInterrupted()) {
        throw new DicomException(
            ErrorCode.DICOMWEB_INTERRUPTED, where + " was interrupted while waiting to retry", e);
      }
      throw lastFailure(e, attempts.get() - 1);
    }
  }

  /** The error of the last attempt, once no retry is left. */
  private RuntimeException lastFailure(DicomWebRetry.Retryable e, int attempt) {
    if (e.status != 0) {
      return statusError(e.where, e.status, attempt);
    }
    if (e.ioCause() != null) {
      return ioError(e.where, e.ioCause(), attempt);
    }
    return (RuntimeException) e.getCause(); // a body that broke off (MULTIPART_UNTERMINATED)
  }

  /** One attempt: a retryable status or connection failure is thrown as {@code Retryable}. */
  private <T> T attempt(
      String where,
      HttpRequest request,
      int attempt,
      ResponseReader<T> reader,
      int... readableErrors) {
    try {
      HttpResponse<InputStream> response = http.send(request, BodyHandlers.ofInputStream());
      try (InputStream in =
          new StallGuardInputStream(response.body(), requestTimeout, totalTimeout, timer)) {
        int status = response.statusCode();
        answers.accept(request.uri(), status);
        if (DicomWebRetry.isRetryable(status)) {
          throw DicomWebRetry.Retryable.status(where, status, retryAfter(response.headers()));
        }
        if (status >= 300 && !contains(readableErrors, status)) {
          throw statusError(where, status, attempt);
        }
        return reader.read(response, in);
      }
    } catch (DicomException e) {
      if (e.errorCode() == ErrorCode.MULTIPART_UNTERMINATED) {
        throw DicomWebRetry.Retryable.broken(where, e);
      }
      throw e;
    } catch (IOException e) {
      throw DicomWebRetry.Retryable.broken(where, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DicomException(ErrorCode.DICOMWEB_INTERRUPTED, where + " was interrupted", e);
    }
  }

  private HttpRequest request(
      String method, URI uri, String accept, Supplier<BodyPublisher> body, String contentType) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri).timeout(requestTimeout).header("Accept", accept);
    String token = tokens.get();
    if (token != null && !token.isBlank()) {
      b.header("Authorization", "Bearer " + token);
    }
    if (body != null) {
      b.header("Content-Type", contentType).method(method, body.get());
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return b.build();
  }

  private static boolean contains(int[] values, int v) {
    for (int x : values) {
      if (x == v) {
        return true;
      }
    }
    return false;
  }

  private DicomException statusError(String where, int status, int attempt) {
    String tries = attempt == 0 ? "" : " after " + (attempt + 1) + " attempts";
    if (status == 404) {
      return new DicomException(ErrorCode.DICOMWEB_NOT_FOUND, where + " answered 404 Not Found");
    }
    return new DicomException(
        ErrorCode.DICOMWEB_HTTP_ERROR, where + " answered HTTP status " + status + tries);
  }

  private DicomException ioError(String where, IOException e, int attempt) {
    String tries = " (" + (attempt + 1) + " attempts)";
    if (e instanceof StallGuardInputStream.StalledException) {
      return new DicomException(
          ErrorCode.DICOMWEB_TIMEOUT,
          where
              + " stopped sending: no bytes within "
              + requestTimeout.toMillis()
              + " ms, or not done within "
              + totalTimeout.toMillis()
              + " ms"
              + tries,
          e);
    }
    if (e instanceof HttpTimeoutException) {
      return new DicomException(
          ErrorCode.DICOMWEB_TIMEOUT,
          where + " got no answer within " + requestTimeout.toMillis() + " ms" + tries,
          e);
    }
    String what = e instanceof ConnectException ? "could not connect" : "connection failed";
    return new DicomException(
        ErrorCode.DICOMWEB_CONNECTION_FAILED, where + " " + what + ": " + e + tries, e);
  }

  private static Duration retryAfter(HttpHeaders headers) {
    return headers
        .firstValue("Retry-After")
        .filter(v -> v.trim().matches("[0-9]{1,6}"))
        .map(v -> Duration.ofSeconds(Long.parseLong(v.trim())))
        .orElse(Duration.ZERO);
  }

  private static String contentType(HttpHeaders headers) {
    return headers.firstValue("Content-Type").orElse(null);
  }

  private String fullPath(String path) {
    return base.getRawPath() + path;
  }

  private static String instancePath(String studyUid, String seriesUid, String instanceUid) {
    return "/studies/"
        + uid(studyUid)
        + "/series/"
        + uid(seriesUid)
        + "/instances/"
        + uid(instanceUid);
  }

  static String uid(String uid) {
    if (uid == null || uid.length() > 64 || !UID.matcher(uid).matches()) {
      throw new DicomException(
          ErrorCode.DICOMWEB_ARGUMENT_INVALID,
          "not a DICOM UID: " + (uid == null ? "null" : "'" + uid + "'"));
    }
    return uid;
  }

  static String syntax(String transferSyntaxUid) {
    return STORED_TRANSFER_SYNTAX.equals(transferSyntaxUid)
        ? transferSyntaxUid
        : uid(transferSyntaxUid);
  }

  static String frameList(int[] frameNumbers) {
    if (frameNumbers == null || frameNumbers.length == 0) {
      throw new DicomException(
          ErrorCode.DICOMWEB_ARGUMENT_INVALID,
          "retrieveFrames needs at least one frame number, got none");
    }
    StringBuilder s = new StringBuilder();
    for (int n : frameNumbers) {
      if (n < 1) {
        throw new DicomException(
            ErrorCode.DICOMWEB_ARGUMENT_INVALID, "frame numbers are 1-based, got " + n);
      }
      s.append(s.length() == 0 ? "" : ",").append(n);
    }
    return s.toString();
  }

  static String encodeQuery(Map<String, String> query) {
    if (query == null || query.isEmpty()) {
      return "";
    }
    StringBuilder s = new StringBuilder();
    for (Map.Entry<String, String> e : query.entrySet()) {
      s.append(s.length() == 0 ? "" : "&")
          .append(encode(e.getKey()))
          .append('=')
          .append(encode(e.getValue() == null ? "" : e.getValue()));
    }
    return s.toString();
  }

  /**
   * Percent-encodes a query key or value (RFC 3986), keeping the comma literal: PS3.18 lists values
   * with commas ({@code includefield=00081030,00080080}, UID lists) and Orthanc only splits on a
   * literal one.
   */
  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20").replace("%2C", ",");
  }

  private static URI checkBase(URI baseUrl) {
    Objects.requireNonNull(baseUrl, "baseUrl");
    String scheme = baseUrl.getScheme();
    if (!("http".equals(scheme) || "https".equals(scheme))
        || baseUrl.getHost() == null
        || baseUrl.getRawQuery() != null) {
      throw new DicomException(
          ErrorCode.DICOMWEB_ARGUMENT_INVALID,
          "DICOMweb base URL must be http(s)://host[:port]/path, got " + baseUrl);
    }
    String s = baseUrl.toString();
    return URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
  }

  private static Duration positive(Duration d, String name) {
    if (d == null || d.isZero() || d.isNegative()) {
      throw new DicomException(
          ErrorCode.DICOMWEB_ARGUMENT_INVALID, name + " must be positive, got " + d);
    }
    return d;
  }

  /** Streams a part body to a file through a temporary name. */
  static Path copyToFile(InputStream in, Path target) throws IOException {
    Path temp = target.resolveSibling(target.getFileName() + ".part");
    try (OutputStream out = Files.newOutputStream(temp)) {
      byte[] buffer = new byte[64 * 1024];
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        write(out, buffer, n, temp);
      }
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
    try {
      return Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      Files.deleteIfExists(temp);
      throw new DicomException(
          ErrorCode.DICOMWEB_LOCAL_FILE, "cannot move the retrieved file to " + target, e);
    }
  }

  private static void write(OutputStream out, byte[] buffer, int n, Path file) {
    try {
      out.write(buffer, 0, n);
    } catch (IOException e) {
      throw new DicomException(
          ErrorCode.DICOMWEB_LOCAL_FILE, "cannot write the retrieved file " + file, e);
    }
  }
}
