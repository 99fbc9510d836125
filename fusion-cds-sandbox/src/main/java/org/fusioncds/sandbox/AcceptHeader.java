package org.fusioncds.sandbox;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.fusioncds.dicom.web.MediaType;

/**
 * An HTTP Accept header (RFC 9110 12.5.1) as the media ranges it lists, most preferred first
 * ({@code q} descending, then in the order given); a missing header accepts everything.
 */
final class AcceptHeader {

  private AcceptHeader() {}

  /** The media ranges, most preferred first; {@code * / *} when the header is missing or empty. */
  static List<MediaType> ranges(String header) {
    List<MediaType> out = new ArrayList<>();
    if (header != null) {
      for (String part : splitOutsideQuotes(header)) {
        if (!part.isBlank()) {
          out.add(MediaType.parse(part.trim()));
        }
      }
    }
    if (out.isEmpty()) {
      out.add(MediaType.parse("*/*"));
    }
    out.sort(Comparator.comparingDouble(AcceptHeader::quality).reversed());
    return out;
  }

  /** Whether a range accepts a multipart/related answer. */
  static boolean multipart(MediaType range) {
    return range.is("multipart/related") || range.is("multipart/*") || range.is("*/*");
  }

  /** Whether any range accepts {@code application/dicom+json}. */
  static boolean acceptsJson(String header) {
    return ranges(header).stream()
        .anyMatch(
            r ->
                r.is("application/dicom+json")
                    || r.is("application/json")
                    || r.is("application/*")
                    || r.is("*/*"));
  }

  private static double quality(MediaType range) {
    try {
      String q = range.parameter("q");
      return q == null ? 1.0 : Double.parseDouble(q);
    } catch (NumberFormatException e) {
      return 0.0;
    }
  }

  private static List<String> splitOutsideQuotes(String header) {
    List<String> parts = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean quoted = false;
    for (char c : header.toCharArray()) {
      if (c == '"') {
        quoted = !quoted;
      }
      if (c == ',' && !quoted) {
        parts.add(current.toString());
        current.setLength(0);
      } else {
        current.append(c);
      }
    }
    parts.add(current.toString());
    return parts;
  }
}
