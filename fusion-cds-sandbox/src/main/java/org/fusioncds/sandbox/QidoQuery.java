package org.fusioncds.sandbox;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.fusioncds.dicom.Dataset;
import org.fusioncds.dicom.Element;
import org.fusioncds.dicom.ElementDictionary;
import org.fusioncds.dicom.Tag;
import org.fusioncds.dicom.VR;
import org.fusioncds.error.ErrorCode;

/**
 * A QIDO-RS query (PS3.18 10.6.1.2): attribute matching by keyword or tag with the matching types
 * of PS3.4 C.2.2.2 (single value, universal, wildcard {@code *}/{@code ?}, UID list, date and time
 * range), {@code limit}, {@code offset}, {@code includefield} and {@code fuzzymatching} (accepted,
 * not applied). Sequence matching is not supported. Person names match case-insensitively.
 */
final class QidoQuery {

  /** One matching key: the tag and the value asked for ("" matches anything). */
  record Match(int tag, String value) {}

  static final Pattern UID = Pattern.compile("[0-9]+(\\.[0-9]+)*");
  private static final Pattern DATE_RANGE = Pattern.compile("(\\d{8})?-?(\\d{8})?");
  private static final Pattern HEX_TAG = Pattern.compile("[0-9A-Fa-f]{8}");

  private final List<Match> matches = new ArrayList<>();
  private final Set<Integer> includeFields = new LinkedHashSet<>();
  private boolean includeAll;
  private int limit = Integer.MAX_VALUE;
  private int offset;

  private QidoQuery() {}

  /** Parses the raw (percent-encoded) query string; a null or empty string matches everything. */
  static QidoQuery parse(String rawQuery) {
    QidoQuery q = new QidoQuery();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return q;
    }
    for (String pair : rawQuery.split("&")) {
      if (!pair.isEmpty()) {
        int eq = pair.indexOf('=');
        String key = decode(eq < 0 ? pair : pair.substring(0, eq));
        q.add(key, eq < 0 ? "" : decode(pair.substring(eq + 1)));
      }
    }
    return q;
  }

  private void add(String key, String value) {
    switch (key) {
      case "limit" -> limit = count(key, value);
      case "offset" -> offset = count(key, value);
      case "fuzzymatching" -> checkBoolean(key, value);
      case "includefield" -> includeFields(value);
      default -> matches.add(new Match(tag(key), checked(tag(key), key, value)));
    }
  }

  private void includeFields(String value) {
    for (String field : value.split(",")) {
      if (field.equals("all")) {
        includeAll = true;
      } else if (!field.isEmpty()) {
        includeFields.add(tag(field));
      }
    }
  }

  /** True when every matching key matches the attributes of one candidate. */
  boolean matches(Dataset attributes) {
    return matches.stream().allMatch(m -> matches(attributes, m));
  }

  List<Match> keys() {
    return matches;
  }

  Set<Integer> includeFields() {
    return includeFields;
  }

  boolean includeAll() {
    return includeAll;
  }

  /** The page {@code offset}, {@code limit} select. */
  <T> List<T> page(List<T> all) {
    int from = Math.min(offset, all.size());
    return all.subList(from, (int) Math.min(all.size(), (long) from + limit));
  }

  private static boolean matches(Dataset ds, Match m) {
    if (m.value().isEmpty()) {
      return true;
    }
    Element e = ds.get(m.tag());
    if (e == null || e.isEmpty()) {
      return false;
    }
    List<String> values =
        e.value() instanceof String
            ? ds.getStrings(m.tag())
            : List.of(String.valueOf(ds.getInt(m.tag(), Integer.MIN_VALUE)));
    return values.stream().anyMatch(v -> matchesValue(e.vr(), m.value(), v));
  }

  private static boolean matchesValue(VR vr, String key, String value) {
    if (vr == VR.UI) {
      return List.of(key.split("[,\\\\]")).contains(value);
    }
    if ((vr == VR.DA || vr == VR.TM || vr == VR.DT) && key.contains("-")) {
      int dash = key.indexOf('-');
      String lo = key.substring(0, dash);
      String hi = key.substring(dash + 1);
      String cut = value.substring(0, Math.min(value.length(), Math.max(hi.length(), 1)));
      return (lo.isEmpty() || value.compareTo(lo) >= 0) && (hi.isEmpty() || cut.compareTo(hi) <= 0);
    }
    boolean ignoreCase = vr == VR.PN;
    if (key.indexOf('*') >= 0 || key.indexOf('?') >= 0) {
      return wildcard(key, ignoreCase).matcher(value).matches();
    }
    return ignoreCase ? key.equalsIgnoreCase(value) : key.equals(value);
  }

  private static Pattern wildcard(String key, boolean ignoreCase) {
    StringBuilder re = new StringBuilder();
    for (char c : key.toCharArray()) {
      re.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
    }
    return Pattern.compile(re.toString(), ignoreCase ? Pattern.CASE_INSENSITIVE : 0);
  }

  /** The tag of a keyword or of 8 hex digits; FCDS-8041 (400) otherwise. */
  static int tag(String key) {
    if (HEX_TAG.matcher(key).matches()) {
      return Tag.parseHex(key);
    }
    int tag = ElementDictionary.tagOf(key);
    if (tag < 0) {
      throw new DicomWebError(
          ErrorCode.QIDO_KEY_INVALID,
          key.contains(".")
              ? "sequence matching is not supported — " + key
              : "unknown query parameter or attribute — " + key);
    }
    return tag;
  }

  private static String checked(int tag, String key, String value) {
    VR vr = ElementDictionary.vrOf(tag);
    if (vr == VR.UI && !value.isEmpty()) {
      for (String uid : value.split("[,\\\\]")) {
        checkUid(uid);
      }
    }
    if (vr == VR.DA && !DATE_RANGE.matcher(value).matches()) {
      throw new DicomWebError(
          ErrorCode.QIDO_VALUE_INVALID, "malformed date or date range in " + key);
    }
    return value;
  }

  /** FCDS-8040 (400) unless {@code uid} is a UID (PS3.5 9.1: digits and dots, at most 64). */
  static String checkUid(String uid) {
    if (uid.length() > 64 || !UID.matcher(uid).matches()) {
      throw new DicomWebError(
          ErrorCode.QIDO_UID_INVALID, "malformed UID — '" + printable(uid) + "'");
    }
    return uid;
  }

  private static int count(String key, String value) {
    try {
      int n = Integer.parseInt(value);
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // answered below
    }
    throw new DicomWebError(
        ErrorCode.QIDO_VALUE_INVALID,
        key + " must be a non-negative integer — '" + printable(value) + "'");
  }

  private static void checkBoolean(String key, String value) {
    String v = value.toLowerCase(Locale.ROOT);
    if (!v.equals("true") && !v.equals("false")) {
      throw new DicomWebError(
          ErrorCode.QIDO_VALUE_INVALID,
          key + " must be true or false — '" + printable(value) + "'");
    }
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new DicomWebError(
          ErrorCode.QIDO_VALUE_INVALID, "malformed percent-encoding in the query");
    }
  }

  /** At most 80 printable ASCII characters of a value, for messages. */
  static String printable(String s) {
    String cut = s.length() > 80 ? s.substring(0, 80) + "…" : s;
    return cut.replaceAll("[^\\x20-\\x7E…]", "?");
  }
}
