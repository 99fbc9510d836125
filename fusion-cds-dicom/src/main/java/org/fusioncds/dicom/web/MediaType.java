package org.fusioncds.dicom.web;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.james.mime4j.stream.NameValuePair;
import org.apache.james.mime4j.stream.RawBody;
import org.apache.james.mime4j.stream.RawField;
import org.apache.james.mime4j.stream.RawFieldParser;

/**
 * A parsed Content-Type value (RFC 2045 §5.1): the lower-case type/subtype and its parameters,
 * quoted or not. Parsing is mime4j's {@link RawFieldParser}.
 *
 * @param type the lower-case {@code type/subtype}, for example {@code multipart/related}
 * @param parameters the parameters by lower-case name, values unquoted
 */
public record MediaType(String type, Map<String, String> parameters) {

  public MediaType {
    parameters = Map.copyOf(parameters);
  }

  /** Parses a Content-Type header value; {@code null} gives an empty type with no parameters. */
  public static MediaType parse(String value) {
    if (value == null) {
      return new MediaType("", Map.of());
    }
    RawBody body = RawFieldParser.DEFAULT.parseRawBody(new RawField("Content-Type", value));
    Map<String, String> params = new LinkedHashMap<>();
    for (NameValuePair p : body.getParams()) {
      if (p.getName() != null && p.getValue() != null) {
        params.putIfAbsent(p.getName().toLowerCase(Locale.ROOT), p.getValue());
      }
    }
    String type = body.getValue() == null ? "" : body.getValue().trim().toLowerCase(Locale.ROOT);
    return new MediaType(type, params);
  }

  /** A parameter by (case-insensitive) name, or {@code null}. */
  public String parameter(String name) {
    return parameters.get(name.toLowerCase(Locale.ROOT));
  }

  /** Whether the type/subtype is {@code expected} (case-insensitive), parameters ignored. */
  public boolean is(String expected) {
    return type.equalsIgnoreCase(expected);
  }
}
