package org.fusioncds.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Structural mutations of a valid JSON request for property-based fuzzing (jqwik): at a path,
 * remove the field or set it to a hostile value (wrong JSON type, null, empty, huge, unicode,
 * references and URLs where ids belong, deep nesting, long arrays, wrong resources); then write the
 * tree as text, sometimes broken (truncated, a duplicate field, trailing content, invalid UTF-8, an
 * array around it, empty).
 */
public final class JsonMutations {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private JsonMutations() {}

  /** One change at a path ({@code a.b}; empty: the root). A null value removes the field. */
  public record Mutation(String path, JsonNode value) {
    @Override
    public String toString() {
      String v = value == null ? "<removed>" : value.toString();
      return path + " = " + (v.length() > 80 ? v.substring(0, 80) + "…(" + v.length() + ")" : v);
    }
  }

  /** How the mutated tree is written. */
  public enum Writing {
    PLAIN,
    TRUNCATED,
    DUPLICATE_FIELD,
    TRAILING_CONTENT,
    INVALID_UTF8,
    IN_AN_ARRAY,
    EMPTY
  }

  /** A fuzz case: the mutations in order, and how the result is written. */
  public record Case(List<Mutation> mutations, Writing writing, int cut) {

    /** The bytes to send: {@code valid} mutated and written. */
    public byte[] apply(ObjectNode valid) {
      ObjectNode tree = valid.deepCopy();
      JsonNode root = tree;
      for (Mutation m : mutations) {
        root = JsonMutations.apply(root, m);
      }
      String text = root.toString();
      return switch (writing) {
        case PLAIN -> text.getBytes(StandardCharsets.UTF_8);
        case TRUNCATED ->
            text.substring(0, cut % Math.max(1, text.length())).getBytes(StandardCharsets.UTF_8);
        case DUPLICATE_FIELD ->
            text.startsWith("{")
                ? ("{\"hook\":\"patient-view\"," + text.substring(1))
                    .getBytes(StandardCharsets.UTF_8)
                : text.getBytes(StandardCharsets.UTF_8);
        case TRAILING_CONTENT -> (text + " {}").getBytes(StandardCharsets.UTF_8);
        case INVALID_UTF8 -> invalidUtf8(text, cut);
        case IN_AN_ARRAY -> ("[" + text + "]").getBytes(StandardCharsets.UTF_8);
        case EMPTY -> new byte[0];
      };
    }
  }

  /** Cases over {@code paths}: 0 to 3 mutations, mostly written plainly. */
  public static Arbitrary<Case> cases(List<String> paths) {
    Arbitrary<Mutation> mutation =
        Combinators.combine(
                Arbitraries.of(paths),
                Arbitraries.frequencyOf(
                    net.jqwik.api.Tuple.of(1, Arbitraries.just((JsonNode) null)),
                    net.jqwik.api.Tuple.of(6, values())))
            .as(Mutation::new);
    Arbitrary<Writing> writing =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(20, Arbitraries.just(Writing.PLAIN)),
            net.jqwik.api.Tuple.of(
                4,
                Arbitraries.of(Arrays.copyOfRange(Writing.values(), 1, Writing.values().length))));
    return Combinators.combine(
            mutation.list().ofMinSize(0).ofMaxSize(3),
            writing,
            Arbitraries.integers().between(0, 100_000))
        .as(Case::new);
  }

  /** Hostile JSON values. */
  public static Arbitrary<JsonNode> values() {
    Arbitrary<String> anyText = Arbitraries.strings().all().ofMaxLength(40);
    Arbitrary<String> id =
        Arbitraries.strings().withChars("abcXYZ019-.").ofMinLength(1).ofMaxLength(64);
    return Arbitraries.oneOf(
        Arbitraries.of(
            NODES.nullNode(),
            NODES.booleanNode(true),
            NODES.numberNode(0),
            NODES.numberNode(-1),
            NODES.numberNode(1.5e308),
            NODES.numberNode(new BigInteger("123456789012345678901234567890")),
            NODES.textNode(""),
            NODES.textNode(" "),
            NODES.textNode("Patient/123"),
            NODES.textNode("http://evil.example/fhir/Patient/1"),
            NODES.textNode("../../etc/passwd"),
            NODES.textNode("patient-view"),
            NODES.textNode("Bearer"),
            NODES.textNode("Practitioner/fuzz"),
            NODES.textNode("a\nb\u0000c"),
            NODES.objectNode(),
            NODES.arrayNode(),
            resource("Patient"),
            resource("Observation"),
            resource("Bundle"),
            JSON.createObjectNode().put("resourceType", "Patient").put("birthDate", 5),
            JSON.createObjectNode().put("resourceType", "NoSuchType"),
            badBundle()),
        anyText.map(NODES::textNode),
        id.map(NODES::textNode),
        id.map(s -> NODES.textNode("Practitioner/" + s)),
        Arbitraries.integers().map(NODES::numberNode),
        Arbitraries.integers().between(1_000, 40_000).map(n -> NODES.textNode("x".repeat(n))),
        Arbitraries.integers().between(1, 80).map(JsonMutations::nested),
        Arbitraries.integers().between(1, 2_000).map(JsonMutations::longArray),
        anyText.list().ofMaxSize(3).map(JsonMutations::array));
  }

  private static JsonNode apply(JsonNode root, Mutation mutation) {
    // the generated values are shared between cases: each case changes only its own copy
    Mutation m =
        new Mutation(
            mutation.path(), mutation.value() == null ? null : mutation.value().deepCopy());
    if (m.path().isEmpty()) {
      return m.value() == null ? NODES.objectNode() : m.value();
    }
    if (!root.isObject()) {
      return root;
    }
    String[] parts = m.path().split("\\.");
    ObjectNode parent = (ObjectNode) root;
    for (int i = 0; i < parts.length - 1; i++) {
      JsonNode child = parent.get(parts[i]);
      if (child == null || !child.isObject()) {
        if (m.value() == null) {
          return root;
        }
        child = parent.putObject(parts[i]);
      }
      parent = (ObjectNode) child;
    }
    String last = parts[parts.length - 1];
    if (m.value() == null) {
      parent.remove(last);
    } else {
      parent.set(last, m.value());
    }
    return root;
  }

  private static byte[] invalidUtf8(String text, int cut) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    int at = b.length == 0 ? 0 : cut % b.length;
    byte[] out = new byte[b.length + 2];
    System.arraycopy(b, 0, out, 0, at);
    out[at] = (byte) 0xC3;
    out[at + 1] = (byte) 0x28;
    System.arraycopy(b, at, out, at + 2, b.length - at);
    return out;
  }

  private static ObjectNode resource(String type) {
    ObjectNode r = NODES.objectNode().put("resourceType", type).put("id", "fuzz-1");
    if ("Bundle".equals(type)) {
      r.put("type", "searchset").putArray("entry");
    }
    return r;
  }

  private static ObjectNode badBundle() {
    ObjectNode b = NODES.objectNode().put("resourceType", "Bundle").put("type", "searchset");
    b.putArray("entry").add(NODES.objectNode().put("resource", "not a resource")).add(7);
    return b;
  }

  private static JsonNode nested(int depth) {
    JsonNode n = NODES.textNode("deep");
    for (int i = 0; i < depth; i++) {
      n = i % 2 == 0 ? NODES.arrayNode().add(n) : NODES.objectNode().set("a", n);
    }
    return n;
  }

  private static ArrayNode longArray(int size) {
    ArrayNode a = NODES.arrayNode();
    for (int i = 0; i < size; i++) {
      a.add(i);
    }
    return a;
  }

  private static ArrayNode array(List<String> items) {
    ArrayNode a = NODES.arrayNode();
    items.forEach(a::add);
    return a;
  }
}
