package org.fusioncds.security;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.util.function.Supplier;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;

/**
 * The module's own token for the FHIR server, the PACS and the audit repository, as {@code
 * security.outbound.auth} says: {@code none}, {@code client-secret} (OAuth 2.0 client credentials,
 * RFC 6749 §4.4, e.g. Keycloak) or {@code private-key-jwt} (SMART Backend Services, RFC 7523; the
 * key is a private JWK in a file). The secret and the key come from the environment or a file,
 * never from the command line.
 */
public final class ServiceTokens {

  private final Supplier<String> tokens;

  private ServiceTokens(Supplier<String> tokens) {
    this.tokens = tokens;
  }

  /** The token source, or null when the module sends no token of its own. */
  public Supplier<String> orNull() {
    return tokens;
  }

  public static ServiceTokens from(
      String auth,
      String tokenUrl,
      String clientId,
      String secret,
      String privateKeyFile,
      String scope) {
    String s = scope == null || scope.isBlank() ? null : scope;
    return switch (auth) {
      case "none" -> new ServiceTokens(null);
      case "client-secret" ->
          new ServiceTokens(
              ClientCredentialsTokens.forSecret(
                  endpoint(tokenUrl),
                  clientId,
                  required(secret, "client-secret"),
                  s,
                  Clock.systemUTC()));
      case "private-key-jwt" -> {
        JWK key = privateKey(required(privateKeyFile, "private-key-file"));
        JWSAlgorithm alg =
            key.getKeyType().getValue().equals("EC") ? JWSAlgorithm.ES384 : JWSAlgorithm.RS384;
        yield new ServiceTokens(
            ClientCredentialsTokens.forPrivateKeyJwt(
                endpoint(tokenUrl), clientId, key, alg, s, Clock.systemUTC()));
      }
      default ->
          throw new FcdsException(
              ErrorCode.OUTBOUND_AUTH_INVALID,
              "security.outbound.auth must be none, client-secret or private-key-jwt — " + auth);
    };
  }

  private static URI endpoint(String tokenUrl) {
    return URI.create(required(tokenUrl, "token-url"));
  }

  private static String required(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new FcdsException(
          ErrorCode.OUTBOUND_SETTING_MISSING, "security.outbound." + name + " is not set");
    }
    return value;
  }

  private static JWK privateKey(String file) {
    try {
      JWK key = JWK.parse(Files.readString(Path.of(file)));
      if (!key.isPrivate()) {
        throw new FcdsException(
            ErrorCode.OUTBOUND_KEY_INVALID, "the key file holds no private key — " + file);
      }
      return key;
    } catch (IOException | ParseException e) {
      throw new FcdsException(
          ErrorCode.OUTBOUND_KEY_INVALID, "the key file is not a readable JWK — " + file);
    }
  }
}
