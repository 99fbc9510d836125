package org.fusioncds.sandbox;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;
import org.fusioncds.dicom.DicomJson;
import org.fusioncds.dicom.web.MediaType;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.sandbox.DicomFolderIndex.Instance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read-only DICOMweb resources of PS3.18 over a {@link DicomFolderIndex}: QIDO-RS searches
 * (10.6), WADO-RS metadata (10.4, bulk data omitted), frames (8.7.3) and instances, series and
 * studies as multipart/related application/dicom. Every other method is 405.
 */
final class DicomWebHandler implements HttpHandler {

  private static final Logger LOG = LoggerFactory.getLogger(DicomWebHandler.class);
  private static final String ROOT = "/dicom-web";

  private final DicomFolderIndex index;
  private final QidoResults qido;
  private final Predicate<String> authorization;

  DicomWebHandler(DicomFolderIndex index, String baseUrl, Predicate<String> authorization) {
    this.index = index;
    this.qido = new QidoResults(index, baseUrl);
    this.authorization = authorization;
  }

  @Override
  public void handle(HttpExchange x) throws IOException {
    try {
      if (!authorization.test(x.getRequestHeaders().getFirst("Authorization"))) {
        throw new DicomWebError(
            ErrorCode.SANDBOX_UNAUTHORIZED, "the Authorization header was refused");
      }
      if (!x.getRequestMethod().equals("GET")) {
        throw new DicomWebError(
            ErrorCode.METHOD_NOT_ALLOWED, "only GET is served — " + x.getRequestMethod());
      }
      route(x, segments(x.getRequestURI().getRawPath()));
    } catch (DicomWebError e) {
      HttpReplies.error(x, e.status(), e.codeText(), e.getMessage());
    } catch (FcdsException e) {
      LOG.warn("DICOMweb sandbox: {} {}", x.getRequestURI().getRawPath(), e.getMessage());
      HttpReplies.error(x, 500, e.codeText(), e.getMessage());
    } catch (RuntimeException e) {
      LOG.warn("DICOMweb sandbox: {} failed", x.getRequestURI().getRawPath(), e);
      HttpReplies.error(
          x,
          500,
          ErrorCode.SANDBOX_INTERNAL.codeText(),
          ErrorCode.SANDBOX_INTERNAL.codeText() + ": internal error — " + e);
    } finally {
      x.close();
    }
  }

  private static List<String> segments(String rawPath) {
    if (!rawPath.startsWith(ROOT + "/")) {
      throw new DicomWebError(ErrorCode.NO_SUCH_RESOURCE, "no such DICOMweb resource — " + rawPath);
    }
    return Arrays.asList(rawPath.substring(ROOT.length() + 1).split("/", -1));
  }

  private void route(HttpExchange x, List<String> s) throws IOException {
    String q = x.getRequestURI().getRawQuery();
    int n = s.size();
    String last = s.get(n - 1);
    if (n == 1 && last.equals("studies")) {
      search(x, () -> qido.studies(QidoQuery.parse(q)));
    } else if (n == 1 && last.equals("series")) {
      search(x, () -> qido.series(null, QidoQuery.parse(q)));
    } else if (n == 1 && last.equals("instances")) {
      search(x, () -> qido.instances(null, null, QidoQuery.parse(q)));
    } else if (!s.get(0).equals("studies") || n < 2) {
      throw notFound(x);
    } else if (n == 2) {
      instances(x, index.studyInstances(uid(s, 1)));
    } else if (n == 3 && last.equals("metadata")) {
      metadata(x, index.studyInstances(uid(s, 1)));
    } else if (n == 3 && last.equals("series")) {
      search(x, () -> qido.series(uid(s, 1), QidoQuery.parse(q)));
    } else if (n == 3 && last.equals("instances")) {
      search(x, () -> qido.instances(uid(s, 1), null, QidoQuery.parse(q)));
    } else if (n >= 4 && s.get(2).equals("series")) {
      routeSeries(x, s, q);
    } else {
      throw notFound(x);
    }
  }

  private void routeSeries(HttpExchange x, List<String> s, String q) throws IOException {
    int n = s.size();
    String study = uid(s, 1);
    String series = uid(s, 3);
    if (n == 4) {
      instances(x, index.series(study, series).values());
    } else if (n == 5 && s.get(4).equals("metadata")) {
      metadata(x, index.series(study, series).values());
    } else if (n == 5 && s.get(4).equals("instances")) {
      search(x, () -> qido.instances(study, series, QidoQuery.parse(q)));
    } else if (n >= 6 && s.get(4).equals("instances")) {
      routeInstance(x, s, index.instance(study, series, uid(s, 5)));
    } else {
      throw notFound(x);
    }
  }

  private void routeInstance(HttpExchange x, List<String> s, Instance instance) throws IOException {
    int n = s.size();
    if (n == 6) {
      instances(x, List.of(instance));
    } else if (n == 7 && s.get(6).equals("metadata")) {
      metadata(x, List.of(instance));
    } else if (n == 8 && s.get(6).equals("frames")) {
      frames(x, instance, FrameList.parse(s.get(7)));
    } else {
      throw notFound(x);
    }
  }

  private interface Search {
    List<com.fasterxml.jackson.databind.node.ObjectNode> run();
  }

  private static void search(HttpExchange x, Search search) throws IOException {
    requireJson(x);
    HttpReplies.json(x, search.run());
  }

  private static void metadata(HttpExchange x, Collection<Instance> instances) throws IOException {
    requireJson(x);
    HttpReplies.json(x, instances.stream().map(i -> DicomJson.toJson(i.dataset())).toList());
  }

  private static void frames(HttpExchange x, Instance instance, int[] numbers) throws IOException {
    FrameNegotiation.Choice c = FrameNegotiation.choose(accept(x), instance.transferSyntaxUid());
    List<byte[]> frames = FrameSource.frames(instance, numbers, c.transcode());
    try (HttpReplies.Multipart m = HttpReplies.multipart(x, c.mediaType())) {
      for (byte[] frame : frames) {
        m.part(c.mediaType() + "; transfer-syntax=" + c.transferSyntaxUid(), frame);
      }
    }
  }

  private static void instances(HttpExchange x, Collection<Instance> instances) throws IOException {
    for (Instance i : instances) {
      requireStored(x, i.transferSyntaxUid());
    }
    try (HttpReplies.Multipart m = HttpReplies.multipart(x, "application/dicom")) {
      for (Instance i : instances) {
        m.part("application/dicom; transfer-syntax=" + i.transferSyntaxUid(), i.file());
      }
    }
  }

  /** Instances go as stored: the Accept header must allow application/dicom in that syntax. */
  private static void requireStored(HttpExchange x, String stored) {
    for (MediaType range : AcceptHeader.ranges(accept(x))) {
      String type = range.parameter("type");
      String ts = range.parameter("transfer-syntax");
      if (AcceptHeader.multipart(range)
          && (type == null || type.equalsIgnoreCase("application/dicom"))
          && (ts == null || ts.equals("*") || ts.equals(stored))) {
        return;
      }
    }
    throw new DicomWebError(
        ErrorCode.NOT_ACCEPTABLE,
        "instances are served only as stored (no transcoding) — " + stored);
  }

  private static void requireJson(HttpExchange x) {
    if (!AcceptHeader.acceptsJson(accept(x))) {
      throw new DicomWebError(
          ErrorCode.NOT_ACCEPTABLE, "only application/dicom+json is served here");
    }
  }

  private static String accept(HttpExchange x) {
    return x.getRequestHeaders().getFirst("Accept");
  }

  private static String uid(List<String> segments, int i) {
    return QidoQuery.checkUid(segments.get(i));
  }

  private static DicomWebError notFound(HttpExchange x) {
    return new DicomWebError(
        ErrorCode.NO_SUCH_RESOURCE,
        "no such DICOMweb resource — " + x.getRequestURI().getRawPath());
  }
}
