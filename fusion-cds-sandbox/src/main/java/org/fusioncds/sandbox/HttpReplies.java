package org.fusioncds.sandbox;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.fusioncds.dicom.DicomJson;

/**
 * How the sandbox DICOMweb endpoint writes its answers: DICOM JSON arrays, multipart/related bodies
 * (RFC 2387, PS3.18 8.7.3.3) streamed part by part, and coded JSON errors.
 */
final class HttpReplies {

  private HttpReplies() {}

  /** 200 with a DICOM JSON array (PS3.18 F.2). */
  static void json(HttpExchange x, List<ObjectNode> objects) throws IOException {
    ArrayNode array = JsonNodeFactory.instance.arrayNode();
    objects.forEach(array::add);
    byte[] body = DicomJson.MAPPER.writeValueAsBytes(array);
    x.getResponseHeaders().set("Content-Type", "application/dicom+json");
    x.sendResponseHeaders(200, body.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(body);
    }
  }

  /** An error status with {@code {"code": "FCDS-NNNN", "message": "..."}}. */
  static void error(HttpExchange x, int status, String codeText, String message)
      throws IOException {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("code", codeText);
    o.put("message", message);
    byte[] body = DicomJson.MAPPER.writeValueAsBytes(o);
    x.getResponseHeaders().set("Content-Type", "application/json");
    if (status == 401) {
      x.getResponseHeaders().set("WWW-Authenticate", "Bearer");
    }
    x.sendResponseHeaders(status, body.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(body);
    }
  }

  /** A multipart/related writer; call {@link Multipart#part} per part, then close. */
  static Multipart multipart(HttpExchange x, String type) throws IOException {
    String boundary = "fcds-" + UUID.randomUUID();
    x.getResponseHeaders()
        .set("Content-Type", "multipart/related; type=\"" + type + "\"; boundary=" + boundary);
    x.sendResponseHeaders(200, 0);
    return new Multipart(x.getResponseBody(), boundary);
  }

  /** The body of a multipart/related answer being written. */
  static final class Multipart implements AutoCloseable {
    private final OutputStream out;
    private final String boundary;

    private Multipart(OutputStream out, String boundary) {
      this.out = out;
      this.boundary = boundary;
    }

    void part(String contentType, byte[] data) throws IOException {
      head(contentType, data.length);
      out.write(data);
      out.write(crlf());
    }

    void part(String contentType, Path file) throws IOException {
      head(contentType, Files.size(file));
      Files.copy(file, out);
      out.write(crlf());
    }

    private void head(String contentType, long length) throws IOException {
      String head =
          "--"
              + boundary
              + "\r\nContent-Type: "
              + contentType
              + "\r\nContent-Length: "
              + length
              + "\r\n\r\n";
      out.write(head.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public void close() throws IOException {
      out.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
      out.close();
    }

    private static byte[] crlf() {
      return new byte[] {'\r', '\n'};
    }
  }
}
