package org.fusioncds.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.util.regex.Pattern;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;

/**
 * A successful access token response (RFC 6749 §5.1): a Bearer token (RFC 6750 §2.1 b64token, so it
 * can never break the Authorization header it goes into) and its lifetime in seconds, or null when
 * the server gave none. Error 7053 for anything else. {@code toString} never shows the token.
 */
record TokenAnswer(String accessToken, Long expiresIn) {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern B64TOKEN = Pattern.compile("[A-Za-z0-9._~+/-]+=*");
  private static final Pattern DIGITS = Pattern.compile("[0-9]{1,10}");

  /** Reads the body of a 2xx answer of the token endpoint. */
  static TokenAnswer parse(byte[] body, URI endpoint) {
    JsonNode json = read(body, endpoint);
    JsonNode token = json.path("access_token");
    if (!token.isTextual() || !B64TOKEN.matcher(token.asText()).matches()) {
      throw malformed("no access_token that is a Bearer token", endpoint);
    }
    JsonNode type = json.path("token_type");
    if (!type.isMissingNode() && !type.asText().equalsIgnoreCase("Bearer")) {
      throw malformed("token_type is not Bearer", endpoint);
    }
    return new TokenAnswer(token.asText(), expiresIn(json.path("expires_in"), endpoint));
  }

  private static Long expiresIn(JsonNode node, URI endpoint) {
    if (node.isMissingNode() || node.isNull()) {
      return null;
    }
    boolean number = node.isIntegralNumber() && node.canConvertToLong();
    boolean text = node.isTextual() && DIGITS.matcher(node.asText()).matches();
    long seconds = number ? node.asLong() : text ? Long.parseLong(node.asText()) : -1;
    if (seconds <= 0) {
      throw malformed("expires_in is not a positive number of seconds: " + shown(node), endpoint);
    }
    return seconds;
  }

  private static JsonNode read(byte[] body, URI endpoint) {
    try {
      JsonNode json = JSON.readTree(body);
      if (json == null || !json.isObject()) {
        throw malformed("the answer is not a JSON object", endpoint);
      }
      return json;
    } catch (IOException e) {
      throw malformed("the answer is not JSON", endpoint);
    }
  }

  private static String shown(JsonNode node) {
    String s = node.toString();
    return s.length() > 40 ? s.substring(0, 40) + "…" : s;
  }

  private static FcdsException malformed(String what, URI endpoint) {
    return new FcdsException(
        ErrorCode.TOKEN_ANSWER_MALFORMED, "malformed token answer: " + what + " — " + endpoint);
  }

  @Override
  public String toString() {
    return "TokenAnswer[expiresIn=" + expiresIn + "]";
  }
}
