package org.fusioncds.dicom;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.fusioncds.error.ErrorCode;

/**
 * Maps the defined terms of Specific Character Set (0008,0005), PS3.3 C.12.1.1.2, to Java charsets.
 * Single-byte sets and UTF-8 are exact; for ISO 2022 code extensions the first named set is used
 * for the whole value (escape sequences to other sets are not switched).
 */
public final class SpecificCharacterSet {

  /** The default repertoire (ISO IR 6); Latin-1 so that stray 8-bit bytes survive a round trip. */
  public static final Charset DEFAULT = StandardCharsets.ISO_8859_1;

  private static final Map<String, String> JAVA_NAMES =
      Map.ofEntries(
          Map.entry("ISO_IR 6", "ISO-8859-1"),
          Map.entry("ISO_IR 100", "ISO-8859-1"),
          Map.entry("ISO_IR 101", "ISO-8859-2"),
          Map.entry("ISO_IR 109", "ISO-8859-3"),
          Map.entry("ISO_IR 110", "ISO-8859-4"),
          Map.entry("ISO_IR 144", "ISO-8859-5"),
          Map.entry("ISO_IR 127", "ISO-8859-6"),
          Map.entry("ISO_IR 126", "ISO-8859-7"),
          Map.entry("ISO_IR 138", "ISO-8859-8"),
          Map.entry("ISO_IR 148", "ISO-8859-9"),
          Map.entry("ISO_IR 203", "ISO-8859-15"),
          Map.entry("ISO_IR 13", "JIS_X0201"),
          Map.entry("ISO_IR 166", "TIS-620"),
          Map.entry("ISO_IR 192", "UTF-8"),
          Map.entry("GB18030", "GB18030"),
          Map.entry("GBK", "GBK"),
          Map.entry("ISO 2022 IR 6", "ISO-8859-1"),
          Map.entry("ISO 2022 IR 100", "ISO-8859-1"),
          Map.entry("ISO 2022 IR 101", "ISO-8859-2"),
          Map.entry("ISO 2022 IR 109", "ISO-8859-3"),
          Map.entry("ISO 2022 IR 110", "ISO-8859-4"),
          Map.entry("ISO 2022 IR 144", "ISO-8859-5"),
          Map.entry("ISO 2022 IR 127", "ISO-8859-6"),
          Map.entry("ISO 2022 IR 126", "ISO-8859-7"),
          Map.entry("ISO 2022 IR 138", "ISO-8859-8"),
          Map.entry("ISO 2022 IR 148", "ISO-8859-9"),
          Map.entry("ISO 2022 IR 203", "ISO-8859-15"),
          Map.entry("ISO 2022 IR 13", "JIS_X0201"),
          Map.entry("ISO 2022 IR 87", "ISO-2022-JP"),
          Map.entry("ISO 2022 IR 159", "ISO-2022-JP"),
          Map.entry("ISO 2022 IR 149", "ISO-2022-KR"),
          Map.entry("ISO 2022 IR 58", "ISO-2022-CN"),
          Map.entry("ISO 2022 IR 166", "TIS-620"));

  private SpecificCharacterSet() {}

  /**
   * The charset for the values of (0008,0005). Unknown terms fall back to the default repertoire
   * (as DCMTK does, with a warning) rather than failing the whole file.
   */
  public static Charset forTerms(List<String> terms) {
    for (String t : terms) {
      String name = JAVA_NAMES.get(t.trim());
      if (name != null && !(name.equals("ISO-8859-1") && terms.size() > 1)) {
        return Charset.isSupported(name) ? Charset.forName(name) : DEFAULT;
      }
    }
    for (String t : terms) {
      String name = JAVA_NAMES.get(t.trim());
      if (name != null && Charset.isSupported(name)) {
        return Charset.forName(name);
      }
    }
    return DEFAULT;
  }

  /** The defined term to write for a charset we write ourselves. */
  public static String termFor(Charset charset) {
    if (charset.equals(StandardCharsets.UTF_8)) {
      return "ISO_IR 192";
    }
    if (charset.equals(StandardCharsets.ISO_8859_1)) {
      return "ISO_IR 100";
    }
    for (Map.Entry<String, String> e : JAVA_NAMES.entrySet()) {
      if (e.getKey().startsWith("ISO_IR") && Charset.forName(e.getValue()).equals(charset)) {
        return e.getKey();
      }
    }
    throw new DicomException(
        ErrorCode.JSON_CHARSET_TERM, "no DICOM defined term for charset — " + charset.name());
  }
}
