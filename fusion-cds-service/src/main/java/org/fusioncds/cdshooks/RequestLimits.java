package org.fusioncds.cdshooks;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;

/**
 * The size limits of a JSON request body (settings {@code cds.request.*}), checked token by token
 * in the one streaming pass that builds the body's tree, so a body past a limit is refused before
 * the rest of it is read: body bytes (413, FCDS-1015, before any parse), nesting depth (FCDS-1016),
 * the length of a string, a field name or a number (FCDS-1017), the items of one array (FCDS-1018).
 * The same pass refuses duplicate field names and content after the root value (FCDS-1001, or the
 * code the caller names): RFC 8259 leaves their meaning open, so we do not guess. The tree is the
 * one Jackson's {@code readTree} gives (the same node for each value: int, long or big integer,
 * double, text, boolean, null), read once: a hook with the EHR's prefetch is mostly its prefetch,
 * and a second pass over it (a check, then a tree) cost as much again.
 *
 * @param maxBodyBytes {@code cds.request.max-body-bytes}
 * @param maxDepth {@code cds.request.max-depth} (objects and arrays, the root counts 1)
 * @param maxStringLength {@code cds.request.max-string-length} (characters of one string or name)
 * @param maxArrayLength {@code cds.request.max-array-length}
 */
public record RequestLimits(
    int maxBodyBytes, int maxDepth, int maxStringLength, int maxArrayLength) {

  /**
   * Jackson's own limit on the digits of a number, kept: longer numbers parse in quadratic time.
   */
  static final int MAX_NUMBER_LENGTH = 1000;

  private static final int MAX_EXPRESSION = 120;

  /**
   * One Jackson mapper per set of limits, made once: a new factory per request would start each
   * time with empty symbol tables (field names interned anew) and a new deserializer cache.
   */
  private static final java.util.Map<RequestLimits, ObjectMapper> MAPPERS =
      new java.util.concurrent.ConcurrentHashMap<>();

  public RequestLimits {
    if (maxBodyBytes < 1024 || maxDepth < 4 || maxStringLength < 64 || maxArrayLength < 1) {
      throw new FcdsException(
          ErrorCode.REQUEST_LIMITS_SETTING,
          "cds.request.* out of range — max-body-bytes="
              + maxBodyBytes
              + " (>= 1024), max-depth="
              + maxDepth
              + " (>= 4), max-string-length="
              + maxStringLength
              + " (>= 64), max-array-length="
              + maxArrayLength
              + " (>= 1)");
    }
  }

  /** The defaults of application.properties: 2 MiB, depth 64, 1 MiB characters, 10,000 items. */
  public static RequestLimits defaults() {
    return new RequestLimits(2 * 1024 * 1024, 64, 1024 * 1024, 10_000);
  }

  /**
   * The body as a JSON tree, its limits checked as it is read; anything that is not one JSON value
   * is {@code invalidJson} (400) with its line and column.
   */
  public JsonNode read(byte[] body, ErrorCode invalidJson) {
    if (body.length > maxBodyBytes) {
      throw new CdsHooksException(
          413,
          ErrorCode.REQUEST_TOO_LARGE,
          "$",
          "the request body is "
              + body.length
              + " bytes, more than cds.request.max-body-bytes = "
              + maxBodyBytes);
    }
    ObjectMapper mapper = MAPPERS.computeIfAbsent(this, l -> new ObjectMapper(l.factory()));
    try {
      return tree(mapper, body, invalidJson);
    } catch (JsonProcessingException e) {
      throw new CdsHooksException(
          400,
          invalidJson,
          "$",
          "not valid JSON — "
              + (e.getOriginalMessage().startsWith("Duplicate field")
                  ? "a duplicate field name, "
                  : "")
              + "line "
              + e.getLocation().getLineNr()
              + ", column "
              + e.getLocation().getColumnNr());
    } catch (IOException e) {
      throw new CdsHooksException(400, invalidJson, "$", "the request body cannot be read");
    }
  }

  /** Jackson with its limits above ours (ours answer first, with their own codes). */
  private JsonFactory factory() {
    return JsonFactory.builder()
        .streamReadConstraints(
            StreamReadConstraints.builder()
                .maxNestingDepth(maxDepth + 1)
                .maxStringLength(Math.max(maxBodyBytes, maxStringLength) + 1)
                .maxNameLength(Math.max(maxBodyBytes, maxStringLength) + 1)
                .maxNumberLength(MAX_NUMBER_LENGTH + 1)
                .build())
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .build();
  }

  /**
   * The body's tree, built from the same tokens the limits are checked on. Each open container is
   * on {@code open} with its items counted in {@code items} (-1: an object), and the name of the
   * field whose value comes next in {@code name}.
   */
  private JsonNode tree(ObjectMapper mapper, byte[] body, ErrorCode invalidJson)
      throws IOException {
    JsonNodeFactory nodes = mapper.getNodeFactory();
    try (JsonParser p = mapper.getFactory().createParser(body)) {
      Deque<ContainerNode<?>> open = new ArrayDeque<>();
      Deque<int[]> items = new ArrayDeque<>();
      String name = null;
      JsonNode root = null;
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        if (root != null) {
          throw new CdsHooksException(
              400, invalidJson, "$", "not valid JSON — content after the root value");
        }
        if (t == JsonToken.FIELD_NAME) {
          checkLength(p, p.getTextLength(), maxStringLength, "a field name");
          name = p.currentName();
          continue;
        }
        if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
          items.pop();
          JsonNode done = open.pop();
          root = open.isEmpty() ? done : null;
          continue;
        }
        countItem(p, t, items);
        JsonNode value;
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
          value = t == JsonToken.START_ARRAY ? nodes.arrayNode() : nodes.objectNode();
        } else {
          value = scalar(p, t, nodes, invalidJson);
        }
        ContainerNode<?> parent = open.peek();
        if (parent instanceof ObjectNode object) {
          object.set(name, value);
        } else if (parent != null) {
          ((ArrayNode) parent).add(value);
        }
        if (value instanceof ContainerNode<?> container) {
          open.push(container);
          items.push(new int[] {t == JsonToken.START_ARRAY ? 0 : -1});
          if (open.size() > maxDepth) {
            throw new CdsHooksException(
                400,
                ErrorCode.REQUEST_TOO_DEEP,
                expression(p),
                "the request nests deeper than cds.request.max-depth = " + maxDepth);
          }
        } else if (open.isEmpty()) {
          root = value;
        }
      }
      if (root == null) {
        throw new CdsHooksException(400, invalidJson, "$", "the request body is empty");
      }
      return root;
    }
  }

  /** A value that is no container, as Jackson's tree reader makes it, its length checked. */
  private JsonNode scalar(JsonParser p, JsonToken t, JsonNodeFactory nodes, ErrorCode invalidJson)
      throws IOException {
    return switch (t) {
      case VALUE_STRING -> {
        checkLength(p, p.getTextLength(), maxStringLength, "a string");
        yield nodes.textNode(p.getText());
      }
      case VALUE_NUMBER_INT -> {
        checkLength(p, p.getTextLength(), MAX_NUMBER_LENGTH, "a number");
        yield switch (p.getNumberType()) {
          case INT -> nodes.numberNode(p.getIntValue());
          case LONG -> nodes.numberNode(p.getLongValue());
          default -> nodes.numberNode(p.getBigIntegerValue());
        };
      }
      case VALUE_NUMBER_FLOAT -> {
        checkLength(p, p.getTextLength(), MAX_NUMBER_LENGTH, "a number");
        yield nodes.numberNode(p.getDoubleValue());
      }
      case VALUE_TRUE -> nodes.booleanNode(true);
      case VALUE_FALSE -> nodes.booleanNode(false);
      case VALUE_NULL -> nodes.nullNode();
      default -> throw new CdsHooksException(400, invalidJson, "$", "not valid JSON — token " + t);
    };
  }

  private void countItem(JsonParser p, JsonToken t, Deque<int[]> containers) {
    int[] open = containers.peek();
    if (open != null && open[0] >= 0 && ++open[0] > maxArrayLength) {
      boolean opens = t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY;
      throw new CdsHooksException(
          400,
          ErrorCode.REQUEST_ARRAY_TOO_LONG,
          expression(opens ? p.getParsingContext().getParent() : p.getParsingContext()),
          "an array has more than cds.request.max-array-length = " + maxArrayLength + " items");
    }
  }

  private static void checkLength(JsonParser p, int length, int max, String what) {
    if (length > max) {
      throw new CdsHooksException(
          400,
          ErrorCode.REQUEST_STRING_TOO_LONG,
          expression(p),
          what + " has " + length + " characters, more than " + max);
    }
  }

  private static String expression(JsonParser p) {
    return expression(p.getParsingContext());
  }

  /** A JSON pointer as a FHIRPath-like expression: {@code /a/b/0} → {@code a.b[0]}. */
  private static String expression(com.fasterxml.jackson.core.JsonStreamContext c) {
    StringBuilder s = new StringBuilder();
    for (String part : (c == null ? "" : c.pathAsPointer().toString()).split("/")) {
      if (part.isEmpty()) {
        continue;
      }
      if (part.chars().allMatch(Character::isDigit)) {
        s.append('[').append(part).append(']');
      } else {
        s.append(s.isEmpty() ? "" : ".").append(part.replace("~1", "/").replace("~0", "~"));
      }
    }
    String e = s.isEmpty() ? "$" : s.toString();
    return e.length() > MAX_EXPRESSION ? e.substring(0, MAX_EXPRESSION) + "…" : e;
  }
}
