package org.fusioncds.dicom.web;

import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.MimeIOException;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.io.MaxHeaderLengthLimitException;
import org.apache.james.mime4j.io.MaxHeaderLimitException;
import org.apache.james.mime4j.io.MaxLineLimitException;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.Event;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.stream.MimeParseEventException;
import org.apache.james.mime4j.stream.MimeTokenStream;
import org.apache.james.mime4j.stream.RecursionMode;
import org.fusioncds.dicom.DicomException;
import org.fusioncds.error.ErrorCode;

/**
 * A streaming parser of a {@code multipart/related} body (RFC 2046 §5.1, RFC 2387), as DICOMweb
 * uses it (PS3.18 §8.6.1.3). It hands each part to a callback with the part's headers and an {@link
 * InputStream} over the part's body; nothing is buffered beyond a part's headers, which are
 * bounded. A preamble and an epilogue are skipped; a body that ends before the closing boundary is
 * an error, never a silently shorter list. Built on mime4j's {@link MimeTokenStream} in strict
 * mode.
 */
public final class MultipartRelatedParser {

  /** The default bound on the bytes of one part's headers. */
  public static final int DEFAULT_MAX_HEADER_BYTES = 16 * 1024;

  private static final int MAX_HEADER_COUNT = 64;

  /**
   * Strict (every parse event is fatal) except for a header line that is not a field, which mime4j
   * also reports for a part with no headers at all (legal per RFC 2046 §5.1.1).
   */
  private static final DecodeMonitor LENIENT_ABOUT_HEADER_LINES =
      new DecodeMonitor() {
        @Override
        public boolean warn(String message, String dummy) {
          return !Event.INVALID_HEADER.toString().equals(message);
        }

        @Override
        public boolean isListening() {
          return true;
        }
      };

  private final int maxHeaderBytes;

  /** A parser with {@link #DEFAULT_MAX_HEADER_BYTES}. */
  public MultipartRelatedParser() {
    this(DEFAULT_MAX_HEADER_BYTES);
  }

  /** A parser that refuses a part whose headers (any one line, or all of them) exceed the bound. */
  public MultipartRelatedParser(int maxHeaderBytes) {
    if (maxHeaderBytes < 256) {
      throw new IllegalArgumentException("maxHeaderBytes below 256: " + maxHeaderBytes);
    }
    this.maxHeaderBytes = maxHeaderBytes;
  }

  /**
   * One body part.
   *
   * @param index the 0-based position of the part in the body
   * @param headers the part's headers by lower-case name (the first of repeated headers)
   * @param body the part's body, readable until the next boundary; whatever the callback leaves
   *     unread is skipped
   */
  public record Part(int index, Map<String, String> headers, InputStream body) {

    /** A header by (case-insensitive) name, or {@code null}. */
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** The part's parsed Content-Type (RFC 2046 default: {@code text/plain} when absent). */
    public MediaType contentType() {
      String value = header("Content-Type");
      return MediaType.parse(value == null ? "text/plain" : value);
    }
  }

  /** Receives each part in order. */
  @FunctionalInterface
  public interface PartHandler {
    void part(Part part) throws IOException;
  }

  /** The boundary parameter of a multipart/related Content-Type, checked per RFC 2046 §5.1.1. */
  public static String boundary(String contentType) {
    MediaType type = MediaType.parse(contentType);
    if (!type.is("multipart/related")) {
      throw new DicomException(
          ErrorCode.MULTIPART_NOT_RELATED,
          "expected a multipart/related body, the Content-Type is " + quote(contentType));
    }
    String boundary = type.parameter("boundary");
    if (boundary == null || boundary.isEmpty() || boundary.length() > 70) {
      throw new DicomException(
          ErrorCode.MULTIPART_NO_BOUNDARY,
          "multipart/related Content-Type has no usable boundary parameter (1 to 70 characters): "
              + quote(contentType));
    }
    return boundary;
  }

  /**
   * Parses the body, calling {@code handler} once per part, in order.
   *
   * @param in the body (not closed here)
   * @param contentType the Content-Type header of the whole body, with its boundary
   * @return the number of parts
   * @throws DicomException 2320/2321 for an unusable Content-Type, 2322 when the body ends before
   *     the closing boundary, 2323 when a part's headers exceed the bound, 2324 otherwise malformed
   * @throws IOException when reading {@code in} fails, or as thrown by the handler
   */
  public int parse(InputStream in, String contentType, PartHandler handler) throws IOException {
    String boundary = boundary(contentType);
    MimeTokenStream stream = new MimeTokenStream(config(), LENIENT_ABOUT_HEADER_LINES, null);
    stream.setRecursionMode(RecursionMode.M_NO_RECURSE);
    stream.parseHeadless(in, "multipart/related; boundary=\"" + boundary + "\"");
    int parts = 0;
    Map<String, String> headers = null;
    try {
      for (EntityState s = stream.getState(); s != EntityState.T_END_OF_STREAM; s = stream.next()) {
        switch (s) {
          case T_START_HEADER -> headers = new TreeMap<>();
          case T_FIELD -> addField(headers, stream.getField());
          case T_START_MULTIPART -> {
            if (headers != null) {
              throw new DicomException(
                  ErrorCode.MULTIPART_MALFORMED,
                  "multipart/related part "
                      + parts
                      + " is itself multipart, which is not supported");
            }
          }
          case T_BODY -> {
            handler.part(
                new Part(
                    parts, Collections.unmodifiableMap(headers), stream.getDecodedInputStream()));
            parts++;
            headers = null;
          }
          default -> {
            // preamble, epilogue, part start and end: nothing to do
          }
        }
      }
    } catch (MimeIOException e) {
      throw translate(e.getCause(), boundary, parts);
    } catch (MaxLineLimitException e) {
      throw headerTooLarge(parts, e);
    } catch (MimeException e) {
      throw translate(e, boundary, parts);
    }
    return parts;
  }

  private MimeConfig config() {
    return MimeConfig.custom()
        .setStrictParsing(true)
        .setMaxHeaderLen(maxHeaderBytes)
        .setMaxLineLen(maxHeaderBytes)
        .setMaxHeaderCount(MAX_HEADER_COUNT)
        .setMaxContentLen(-1)
        .build();
  }

  private static void addField(Map<String, String> headers, Field field) {
    if (headers != null) {
      headers.putIfAbsent(field.getNameLowerCase(), field.getBody().trim());
    }
  }

  private DicomException translate(Throwable e, String boundary, int parts) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof MaxHeaderLimitException
          || c instanceof MaxHeaderLengthLimitException
          || c instanceof MaxLineLimitException) {
        return headerTooLarge(parts, e);
      }
    }
    String text = String.valueOf(e == null ? null : e.getMessage());
    boolean premature =
        e instanceof MimeParseEventException event
            ? event.getEvent().equals(Event.MIME_BODY_PREMATURE_END)
                || event.getEvent().equals(Event.HEADERS_PREMATURE_END)
            : text.contains("Unexpected end of stream");
    if (premature) {
      return new DicomException(
          ErrorCode.MULTIPART_UNTERMINATED,
          "multipart body ended before the closing boundary --"
              + boundary
              + "-- (after "
              + parts
              + " complete parts)",
          e);
    }
    return new DicomException(
        ErrorCode.MULTIPART_MALFORMED,
        "multipart body is malformed at part " + parts + ": " + text,
        e);
  }

  private DicomException headerTooLarge(int parts, Throwable e) {
    return new DicomException(
        ErrorCode.MULTIPART_HEADERS_TOO_LARGE,
        "multipart part "
            + parts
            + " has headers beyond the bound of "
            + maxHeaderBytes
            + " bytes or "
            + MAX_HEADER_COUNT
            + " fields",
        e);
  }

  private static String quote(String value) {
    return value == null ? "(none)" : "'" + value + "'";
  }
}
