package org.fusioncds.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fusioncds.sandbox.RequestTap;

/**
 * The requests the service sends for one hook call, learnt from a tapped call (method, path and
 * query as encoded, Accept, Content-Type) and turned into templates with {@code {patient}}, {@code
 * {study}}, {@code {series}}, {@code {instance}} and {@code {key}}; replayed for other patients
 * with the JDK HttpClient, each request timed alone (bytes read, nothing parsed).
 */
final class ServiceRequests {

  /** What a request is for. */
  enum Kind {
    PATIENT,
    STUDIES,
    OBSERVATIONS,
    CONDITIONS,
    METADATA,
    FRAME,
    LOOKUP,
    STORED_KEYS,
    TRANSACTION,
    OTHER
  }

  /** A learnt request; {@code path} is relative to the FHIR or DICOMweb base. */
  record Template(
      Kind kind, String method, String path, String accept, String contentType, String cache) {}

  /** One replayed request: its answer and the wall time from send to the last body byte. */
  record Reply(int status, String contentType, byte[] body, double millis) {}

  private static final Pattern INSTANCE =
      Pattern.compile("/studies/([^/]+)/series/([^/]+)/instances/([^/?]+)(.*)");
  private static final Pattern KEY = Pattern.compile("[0-9a-f]{64}");

  private final Map<Kind, Template> templates = new EnumMap<>(Kind.class);
  private final List<Template> all = new ArrayList<>();
  private final String fhirBase;
  private final String dicomBase;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  ServiceRequests(
      List<RequestTap.Seen> fhir,
      List<RequestTap.Seen> dicom,
      String patientId,
      String fhirBase,
      String dicomBase) {
    this.fhirBase = fhirBase;
    this.dicomBase = dicomBase;
    fhir.forEach(s -> add(fhirTemplate(s, patientId)));
    dicom.forEach(s -> add(dicomTemplate(s)));
  }

  private void add(Template t) {
    all.add(t);
    if (t.kind() != Kind.OTHER) {
      templates.putIfAbsent(t.kind(), t);
    }
  }

  /** Every request of the tapped call, in order, as templates. */
  List<Template> all() {
    return List.copyOf(all);
  }

  Template template(Kind kind) {
    Template t = templates.get(kind);
    if (t == null) {
      throw new IllegalStateException("the tapped hook call made no " + kind + " request");
    }
    return t;
  }

  private static Template fhirTemplate(RequestTap.Seen s, String patientId) {
    String p =
        s.pathAndQuery()
            .replace("/Patient/" + patientId, "/Patient/{patient}")
            .replace("patient=" + patientId, "patient={patient}")
            .replace("subject=Patient/" + patientId, "subject=Patient/{patient}");
    p = KEY.matcher(p).replaceAll("{key}");
    Kind kind =
        "POST".equals(s.method())
            ? Kind.TRANSACTION
            : p.startsWith("/Patient/")
                ? Kind.PATIENT
                : p.startsWith("/ImagingStudy?")
                    ? Kind.STUDIES
                    : p.startsWith("/Observation?")
                        ? Kind.OBSERVATIONS
                        : p.startsWith("/Condition?")
                            ? Kind.CONDITIONS
                            : p.startsWith("/DiagnosticReport?subject=")
                                ? Kind.STORED_KEYS
                                : p.startsWith("/DiagnosticReport?") ? Kind.LOOKUP : Kind.OTHER;
    return new Template(kind, s.method(), p, s.accept(), s.contentType(), s.cache());
  }

  private static Template dicomTemplate(RequestTap.Seen s) {
    Matcher m = INSTANCE.matcher(s.pathAndQuery());
    if (!m.matches()) {
      return new Template(Kind.OTHER, s.method(), s.pathAndQuery(), s.accept(), null, null);
    }
    String rest = m.group(4);
    Kind kind =
        rest.equals("/metadata")
            ? Kind.METADATA
            : rest.startsWith("/frames/") ? Kind.FRAME : Kind.OTHER;
    String p = "/studies/{study}/series/{series}/instances/{instance}" + rest;
    return new Template(kind, s.method(), p, s.accept(), null, null);
  }

  /**
   * Replays one template. {@code values} fill the placeholders; {@code noCache} adds the {@code
   * Cache-Control} the service sent ({@code no-cache} if none) so that HAPI runs the search instead
   * of reusing one it cached, and keeps it as it did for the service.
   */
  Reply send(Kind kind, Map<String, String> values, byte[] body, boolean noCache)
      throws IOException, InterruptedException {
    Template t = template(kind);
    String path = t.path();
    for (Map.Entry<String, String> v : values.entrySet()) {
      path = path.replace("{" + v.getKey() + "}", v.getValue());
    }
    boolean dicom = kind == Kind.METADATA || kind == Kind.FRAME;
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create((dicom ? dicomBase : fhirBase) + path))
            .timeout(Duration.ofSeconds(60))
            .method(
                t.method(),
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    if (t.accept() != null) {
      b.header("Accept", t.accept());
    }
    if (t.contentType() != null && body != null) {
      b.header("Content-Type", t.contentType());
    }
    if (noCache) {
      b.header("Cache-Control", t.cache() != null ? t.cache() : "no-cache");
    }
    HttpRequest request = b.build();
    long t0 = System.nanoTime();
    HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    double ms = (System.nanoTime() - t0) / 1e6;
    return new Reply(
        r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(), ms);
  }
}
