package org.fusioncds.security;

import static org.fusioncds.security.EhrFixture.audiences;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.util.Base64URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Damaged tokens end in a coded refusal (401, {@code FCDS-70NN}), never in an acceptance or another
 * exception. A "damage" that leaves the token what it was (the same character put back, or the
 * signature spelled differently with the same bytes) is not a damaged token and is skipped.
 */
class TokenVerifierFuzzTest {

  private static final String ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";
  private static final int ROUNDS = 3000;

  private final EhrFixture fx = new EhrFixture();

  @AfterEach
  void stopEhr() {
    fx.close();
  }

  @Test
  void refusesEveryDamagedTokenWithACode() {
    TrustedIssuer issuer = TrustedIssuer.of(fx.ehr.issuer(), fx.ehr.jwksUrl());
    TokenVerifier verifier =
        fx.verifier(VerifierSettings.apiDefaults(), (ReplayCache) null, issuer);
    String token = fx.ehr.sign(fx.claims().build());
    Random random = new Random(20260101L);
    Set<Integer> codes = new TreeSet<>();
    List<String> accepted = new ArrayList<>();
    int undamaged = 0;

    for (int i = 0; i < ROUNDS; i++) {
      String damaged = i % 2 == 0 ? damageText(token, random) : damageJson(token, random);
      if (sameToken(token, damaged)) {
        undamaged++; // the damage left the signed text and the signature bytes as they were
        continue;
      }
      try {
        verifier.verify("Bearer " + damaged, audiences());
        accepted.add("round " + i + ": " + damaged);
      } catch (AuthenticationException e) {
        assertNotNull(e.refusal(), "round " + i + ": a refusal without its rule");
        assertEquals(e.refusal().code(), e.code(), "round " + i);
        assertTrue(
            e.getMessage().startsWith("FCDS-" + e.code() + ": "),
            "round " + i + ": " + e.getMessage());
        assertEquals(401, e.httpStatus(), "round " + i + ": " + e.getMessage());
        codes.add(e.code());
      }
    }

    assertEquals(List.of(), accepted, "damaged tokens accepted");
    assertTrue(undamaged < ROUNDS / 10, "rounds that damaged nothing: " + undamaged);
    assertTrue(codes.contains(Refusal.MALFORMED_TOKEN.code()), codes.toString());
    assertTrue(codes.contains(Refusal.BAD_SIGNATURE.code()), codes.toString());
    assertTrue(fx.ehr.jwksRequests() <= 2, "JWKS fetched " + fx.ehr.jwksRequests() + " times");
  }

  /**
   * True when {@code other} is {@code token} itself: the same signed text (header.payload) and a
   * signature part that decodes to the same bytes (base64url's unused low bits of the last
   * character may differ; RFC 7515 §2 signs the text, not the signature's spelling).
   */
  private static boolean sameToken(String token, String other) {
    String[] a = token.split("\\.", -1);
    String[] b = other.split("\\.", -1);
    if (b.length != 3 || !(a[0] + "." + a[1]).equals(b[0] + "." + b[1])) {
      return false;
    }
    if (a[2].equals(b[2])) {
      return true;
    }
    try {
      return Arrays.equals(
          Base64.getUrlDecoder().decode(a[2]), Base64.getUrlDecoder().decode(b[2]));
    } catch (IllegalArgumentException notBase64) {
      return false;
    }
  }

  private static String damageText(String token, Random random) {
    StringBuilder s = new StringBuilder(token);
    int at = random.nextInt(s.length());
    switch (random.nextInt(3)) {
      case 0 -> s.setCharAt(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
      case 1 -> s.deleteCharAt(at);
      default -> s.insert(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return s.toString();
  }

  private static String damageJson(String token, Random random) {
    String[] parts = token.split("\\.");
    int part = random.nextInt(2);
    byte[] json = new Base64URL(parts[part]).decode();
    json[random.nextInt(json.length)] = (byte) (32 + random.nextInt(95));
    parts[part] = Base64URL.encode(new String(json, StandardCharsets.US_ASCII)).toString();
    return String.join(".", parts);
  }
}
