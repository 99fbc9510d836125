package org.fusioncds.dicom;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.fusioncds.error.ErrorCode;

/**
 * The DICOM JSON Model of PS3.18 Annex F, both ways. Out: the same tags and values as DCMTK's
 * {@code dcm2json} (DS and IS as JSON numbers written with their original digits, PN as component
 * groups, AT as 8 hex digits, small binary values as InlineBinary); bulk values left in their
 * source become a BulkDataURI when a URI maker is given and are omitted otherwise. In: what QIDO-RS
 * and WADO-RS metadata return.
 */
public final class DicomJson {

  private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

  /** A mapper that writes numbers exactly as their text (no 1E+2 forms). */
  public static final ObjectMapper MAPPER =
      new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

  private static final int DATA_SET_TRAILING_PADDING = 0xFFFCFFFC;

  private DicomJson() {}

  /** The data set as a DICOM JSON object, bulk data omitted. */
  public static ObjectNode toJson(Dataset ds) {
    return toJson(ds, null);
  }

  /**
   * The data set as a DICOM JSON object; {@code bulkDataUri} names a URI for each bulk element by
   * tag path (null: bulk elements are omitted).
   */
  public static ObjectNode toJson(Dataset ds, Function<Element, String> bulkDataUri) {
    ObjectNode out = NODES.objectNode();
    for (Element e : ds.elements()) {
      if (Tag.group(e.tag()) == 0x0002
          || Tag.element(e.tag()) == 0 && Tag.group(e.tag()) != 0
          || e.tag() == DATA_SET_TRAILING_PADDING) {
        continue;
      }
      ObjectNode attr = attribute(ds, e, bulkDataUri);
      if (attr != null) {
        out.set(Tag.toHex(e.tag()), attr);
      }
    }
    return out;
  }

  private static ObjectNode attribute(
      Dataset ds, Element e, Function<Element, String> bulkDataUri) {
    ObjectNode attr = NODES.objectNode();
    attr.put("vr", e.vr().name());
    Object v = e.value();
    if (v == null) {
      return attr;
    }
    if (v instanceof BulkData || v instanceof Fragments) {
      String uri = bulkDataUri == null ? null : bulkDataUri.apply(e);
      if (uri == null) {
        return null;
      }
      attr.put("BulkDataURI", uri);
      return attr;
    }
    if (v instanceof BulkDataUri u) {
      attr.put("BulkDataURI", u.uri());
      return attr;
    }
    if (e.isEmpty()) {
      return attr;
    }
    ArrayNode values = NODES.arrayNode();
    switch (e.vr().kind()) {
      case SEQUENCE -> {
        for (Dataset item : e.items()) {
          values.add(toJson(item, bulkDataUri));
        }
      }
      case BULK -> {
        byte[] b = (byte[]) v;
        // values are even-length on the wire (PS3.5 7.1.1); pad an odd one as DCMTK does
        byte[] even = b.length % 2 == 0 ? b : java.util.Arrays.copyOf(b, b.length + 1);
        attr.put("InlineBinary", Base64.getEncoder().encodeToString(even));
        return attr;
      }
      case BINARY -> addBinary(values, e.vr(), (byte[]) v);
      default -> addText(values, ds, e);
    }
    if (!values.isEmpty()) {
      attr.set("Value", values);
    }
    return attr;
  }

  private static void addText(ArrayNode values, Dataset ds, Element e) {
    if (e.tag() == Tag.SpecificCharacterSet) {
      // JSON text is Unicode whatever the source encoding was (PS3.18 F.2.1), as dcm2json says
      values.add("ISO_IR 192");
      return;
    }
    List<String> strings = ds.getStrings(e.tag());
    if (e.vr() == VR.PN) {
      strings = strings.stream().map(DicomJson::trimPersonName).toList();
      if (strings.stream().allMatch(String::isEmpty)) {
        return;
      }
    }
    for (String s : strings) {
      if (s.isEmpty()) {
        values.addNull();
        continue;
      }
      switch (e.vr()) {
        case DS, IS -> values.add(number(s));
        case PN -> values.add(personName(s));
        default -> values.add(s);
      }
    }
  }

  private static JsonNode number(String s) {
    try {
      return NODES.numberNode(new BigDecimal(s.startsWith("+") ? s.substring(1) : s));
    } catch (NumberFormatException e) {
      return NODES.textNode(s);
    }
  }

  /** Drops empty trailing components and groups: "^^^^" is an empty name, "A^B^^" is "A^B". */
  private static String trimPersonName(String s) {
    String[] groups = s.split("=", -1);
    StringBuilder out = new StringBuilder();
    int last = -1;
    for (int i = 0; i < groups.length; i++) {
      String g = groups[i].replaceAll("[\\^ ]+$", "");
      groups[i] = g;
      if (!g.isEmpty()) {
        last = i;
      }
    }
    for (int i = 0; i <= last; i++) {
      out.append(i > 0 ? "=" : "").append(groups[i]);
    }
    return out.toString();
  }

  private static ObjectNode personName(String s) {
    String[] groups = s.split("=", -1);
    String[] names = {"Alphabetic", "Ideographic", "Phonetic"};
    ObjectNode pn = NODES.objectNode();
    for (int i = 0; i < Math.min(groups.length, 3); i++) {
      if (!groups[i].isEmpty()) {
        pn.put(names[i], groups[i]);
      }
    }
    return pn;
  }

  private static void addBinary(ArrayNode values, VR vr, byte[] b) {
    if (vr == VR.AT) {
      for (long t : BinaryValues.longs(vr, b)) {
        values.add(Tag.toHex((int) t));
      }
    } else if (vr == VR.FL || vr == VR.FD) {
      for (double d : BinaryValues.doubles(vr, b)) {
        values.add(vr == VR.FL ? NODES.numberNode((float) d) : NODES.numberNode(d));
      }
    } else if (vr == VR.UV) {
      for (long l : BinaryValues.longs(vr, b)) {
        values.add(NODES.numberNode(new BigInteger(Long.toUnsignedString(l))));
      }
    } else {
      for (long l : BinaryValues.longs(vr, b)) {
        values.add(l);
      }
    }
  }

  /** Reads one DICOM JSON object, or an array of them (as QIDO-RS returns). */
  public static List<Dataset> read(InputStream in) {
    try {
      return read(MAPPER.readTree(in));
    } catch (IOException e) {
      throw new DicomException(ErrorCode.JSON_INVALID, "not valid JSON — " + e.getMessage(), e);
    }
  }

  public static List<Dataset> read(JsonNode node) {
    List<Dataset> out = new ArrayList<>();
    if (node == null || node.isMissingNode() || node.isNull()) {
      return out;
    }
    if (node.isArray()) {
      for (JsonNode n : node) {
        out.add(fromJson(n));
      }
    } else {
      out.add(fromJson(node));
    }
    return out;
  }

  /** One DICOM JSON object to a data set; a coded error names the first attribute that is wrong. */
  public static Dataset fromJson(JsonNode obj) {
    if (!obj.isObject()) {
      throw new DicomException(
          ErrorCode.JSON_NOT_OBJECT, "DICOM JSON data set is not an object — " + obj.getNodeType());
    }
    Dataset ds = new Dataset(java.nio.charset.StandardCharsets.UTF_8);
    Iterator<Map.Entry<String, JsonNode>> it = obj.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> f = it.next();
      int tag = Tag.parseHex(f.getKey());
      ds.put(element(tag, f.getValue()));
    }
    return ds;
  }

  private static Element element(int tag, JsonNode attr) {
    String vrName = attr.path("vr").asText("");
    VR vr;
    try {
      vr = VR.valueOf(vrName);
    } catch (IllegalArgumentException e) {
      throw new DicomException(
          ErrorCode.JSON_VR_INVALID,
          "DICOM JSON attribute " + Tag.toHex(tag) + " has no valid vr — '" + vrName + "'");
    }
    if (attr.has("BulkDataURI")) {
      return new Element(tag, vr, new BulkDataUri(attr.get("BulkDataURI").asText()));
    }
    if (attr.has("InlineBinary")) {
      try {
        return new Element(tag, vr, Base64.getDecoder().decode(attr.get("InlineBinary").asText()));
      } catch (IllegalArgumentException e) {
        throw new DicomException(
            ErrorCode.JSON_INLINE_BINARY_INVALID,
            "InlineBinary of " + Tag.toHex(tag) + " is not base64 — " + e.getMessage());
      }
    }
    JsonNode values = attr.get("Value");
    if (values == null || values.isEmpty()) {
      return new Element(tag, vr, vr == VR.SQ ? List.of() : null);
    }
    if (!values.isArray()) {
      throw new DicomException(
          ErrorCode.JSON_VALUE_INVALID, "Value of " + Tag.toHex(tag) + " is not an array");
    }
    return switch (vr.kind()) {
      case SEQUENCE -> {
        List<Dataset> items = new ArrayList<>();
        for (JsonNode item : values) {
          items.add(fromJson(item));
        }
        yield new Element(tag, vr, items);
      }
      case BINARY -> new Element(tag, vr, binary(tag, vr, values));
      case BULK ->
          throw new DicomException(
              ErrorCode.JSON_VALUE_INVALID,
              "Value of " + Tag.toHex(tag) + " " + vr + " must be InlineBinary or BulkDataURI");
      default -> new Element(tag, vr, text(vr, values));
    };
  }

  private static String text(VR vr, JsonNode values) {
    List<String> parts = new ArrayList<>();
    for (JsonNode v : values) {
      if (v.isNull()) {
        parts.add("");
      } else if (vr == VR.PN && v.isObject()) {
        String a = v.path("Alphabetic").asText("");
        String i = v.path("Ideographic").asText("");
        String p = v.path("Phonetic").asText("");
        String pn = p.isEmpty() ? (i.isEmpty() ? a : a + "=" + i) : a + "=" + i + "=" + p;
        parts.add(pn);
      } else if (v.isNumber() && v.isIntegralNumber()) {
        parts.add(v.bigIntegerValue().toString());
      } else if (v.isNumber()) {
        parts.add(v.decimalValue().toString());
      } else {
        parts.add(v.asText());
      }
    }
    return String.join("\\", parts);
  }

  private static byte[] binary(int tag, VR vr, JsonNode values) {
    ByteBuffer b =
        ByteBuffer.allocate(values.size() * vr.valueSize()).order(ByteOrder.LITTLE_ENDIAN);
    for (JsonNode v : values) {
      if (vr == VR.AT) {
        int t = Tag.parseHex(v.asText());
        b.putShort((short) (t >>> 16)).putShort((short) t);
        continue;
      }
      if (v.isNull()) {
        v = NODES.numberNode(0); // binary values have no empty form: an empty value reads as 0
      }
      if (!v.isNumber()) {
        throw new DicomException(
            ErrorCode.JSON_VALUE_NOT_NUMBER,
            "value of " + Tag.toHex(tag) + " " + vr + " is not a number — '" + v + "'");
      }
      switch (vr) {
        case US, SS -> b.putShort((short) v.asInt());
        case UL, SL -> b.putInt((int) v.asLong());
        case SV -> b.putLong(v.asLong());
        case UV -> b.putLong(v.bigIntegerValue().longValue());
        case FL -> b.putFloat((float) v.asDouble());
        case FD -> b.putDouble(v.asDouble());
        default -> throw new IllegalStateException(vr.name());
      }
    }
    return b.array();
  }
}
