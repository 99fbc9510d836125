package org.fusioncds.cdshooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.testing.TestData;
import org.junit.jupiter.api.Test;

/**
 * A request body is read once: the limits are checked on the tokens that build its tree. The tree
 * must be the one Jackson's own {@code readTree} gives (the prefetch goes on to HAPI's parser and
 * to the result key as that tree), and every limit must still refuse with its code and where.
 */
class RequestLimitsTest {

  /** Jackson's reader as the service used it before: duplicates and trailing content refused. */
  private static final ObjectMapper JACKSON =
      new ObjectMapper()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private static final RequestLimits ROOMY =
      new RequestLimits(64 * 1024 * 1024, 256, 16 * 1024 * 1024, 1_000_000);

  private static final RequestLimits SMALL = new RequestLimits(1024, 4, 64, 3);

  @Test
  void everyJsonFileOfTheSharedTestDataReadsToJacksonsTreeOrIsRefusedAsJacksonRefusesIt()
      throws Exception {
    List<Path> files =
        TestData.files(".").stream().filter(p -> p.toString().endsWith(".json")).toList();
    assertTrue(files.size() >= 50, "the shared JSON files: " + files.size());
    int read = 0;
    for (Path f : files) {
      byte[] body = Files.readAllBytes(f);
      JsonNode expected;
      try {
        expected = JACKSON.readTree(body);
      } catch (JsonProcessingException e) {
        expected = null;
      }
      if (expected == null || expected.isMissingNode()) {
        CdsHooksException refused =
            assertThrows(
                CdsHooksException.class,
                () -> ROOMY.read(body, ErrorCode.REQUEST_BODY_INVALID),
                f.toString());
        assertEquals(ErrorCode.REQUEST_BODY_INVALID, refused.errorCode(), f.toString());
      } else {
        assertEquals(expected, ROOMY.read(body, ErrorCode.REQUEST_BODY_INVALID), f.toString());
        read++;
      }
    }
    assertTrue(read >= 50, "files read: " + read);
  }

  @Test
  void eachNumberIsTheNodeJacksonMakesOfIt() {
    JsonNode n =
        ROOMY.read(
            utf8(
                "{\"i\":-7,\"l\":9007199254740993,\"b\":123456789012345678901234567890,"
                    + "\"d\":7.20,\"e\":-1.5e-3,\"z\":-0.0,\"big\":1e400,\"t\":true,\"f\":false,"
                    + "\"n\":null,\"s\":\"\\u00e9\\n\",\"a\":[[],{},[1,[2,{\"x\":\"\"}]]]}"),
            ErrorCode.REQUEST_BODY_INVALID);
    assertEquals(IntNode.class, n.get("i").getClass());
    assertEquals(LongNode.class, n.get("l").getClass());
    assertEquals(BigIntegerNode.class, n.get("b").getClass());
    assertEquals(DoubleNode.class, n.get("d").getClass());
    assertEquals(Double.POSITIVE_INFINITY, n.get("big").doubleValue());
    assertEquals("é\n", n.get("s").textValue());
    assertEquals(
        n.toString(), ROOMY.read(utf8(n.toString()), ErrorCode.REQUEST_BODY_INVALID).toString());
    for (String root : List.of("42", "\"text\"", "null", "[]", "{}", " [1] \n")) {
      assertEquals(readJackson(root), ROOMY.read(utf8(root), ErrorCode.REQUEST_BODY_INVALID), root);
    }
  }

  @Test
  void aContainerDeeperThanTheLimitIsRefusedWhereItOpens() {
    assertEquals(
        4, depth(SMALL.read(utf8("{\"a\":[{\"b\":[]}]}"), ErrorCode.REQUEST_BODY_INVALID)));
    CdsHooksException e = refused(SMALL, "{\"a\":[{\"b\":[[1]]}]}");
    assertEquals(ErrorCode.REQUEST_TOO_DEEP, e.errorCode());
    assertEquals("a[0].b[0]", e.issues().get(0).expression());
  }

  @Test
  void anArrayLongerThanTheLimitIsRefusedNamingItsFirstItemPastTheLimit() {
    SMALL.read(utf8("{\"a\":[1,2,3]}"), ErrorCode.REQUEST_BODY_INVALID);
    CdsHooksException e = refused(SMALL, "{\"a\":[1,2,3,{}]}");
    assertEquals(ErrorCode.REQUEST_ARRAY_TOO_LONG, e.errorCode());
    assertEquals("a[3]", e.issues().get(0).expression());
    assertEquals("a[3]", refused(SMALL, "{\"a\":[1,2,3,4]}").issues().get(0).expression());
  }

  @Test
  void aStringANameOrANumberPastItsLengthIsRefusedWithItsLength() {
    String s64 = "x".repeat(64);
    SMALL.read(utf8("{\"" + s64 + "\":\"" + s64 + "\"}"), ErrorCode.REQUEST_BODY_INVALID);
    CdsHooksException string = refused(SMALL, "{\"a\":\"" + s64 + "y\"}");
    assertEquals(ErrorCode.REQUEST_STRING_TOO_LONG, string.errorCode());
    assertEquals("a", string.issues().get(0).expression());
    assertTrue(string.getMessage().contains("a string has 65 characters"), string.getMessage());
    CdsHooksException name = refused(SMALL, "{\"" + s64 + "y\":1}");
    assertTrue(name.getMessage().contains("a field name has 65"), name.getMessage());
    CdsHooksException number = refused(ROOMY, "[" + "9".repeat(1001) + "]");
    assertEquals(ErrorCode.REQUEST_STRING_TOO_LONG, number.errorCode());
    assertTrue(number.getMessage().contains("a number has 1001"), number.getMessage());
  }

  @Test
  void duplicatesTrailingContentAndEmptyBodiesAreInvalidJsonWithTheCallersCode() {
    CdsHooksException duplicate = refused(ROOMY, "{\"a\":1,\"b\":{\"c\":1,\"c\":2}}");
    assertEquals(ErrorCode.REQUEST_BODY_INVALID, duplicate.errorCode());
    assertTrue(duplicate.getMessage().contains("a duplicate field name, line 1"));
    for (String body : List.of("{} {}", "1 2", "{}x", "", "  ", "{\"a\":", "[1,]")) {
      CdsHooksException e =
          assertThrows(
              CdsHooksException.class,
              () -> ROOMY.read(utf8(body), ErrorCode.FEEDBACK_BODY_INVALID),
              body);
      assertEquals(ErrorCode.FEEDBACK_BODY_INVALID, e.errorCode(), body);
      assertEquals(400, e.httpStatus(), body);
    }
  }

  @Test
  void aBodyPastTheByteLimitIsA413BeforeAnyOfItIsRead() {
    CdsHooksException e =
        assertThrows(
            CdsHooksException.class,
            () -> SMALL.read(new byte[1025], ErrorCode.REQUEST_BODY_INVALID));
    assertEquals(413, e.httpStatus());
    assertEquals(ErrorCode.REQUEST_TOO_LARGE, e.errorCode());
  }

  private static CdsHooksException refused(RequestLimits limits, String body) {
    return assertThrows(
        CdsHooksException.class, () -> limits.read(utf8(body), ErrorCode.REQUEST_BODY_INVALID));
  }

  private static int depth(JsonNode n) {
    int deepest = 0;
    for (JsonNode child : n) {
      deepest = Math.max(deepest, depth(child));
    }
    return n.isContainerNode() ? deepest + 1 : 0;
  }

  private static JsonNode readJackson(String json) {
    try {
      return JACKSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new AssertionError(json, e);
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
