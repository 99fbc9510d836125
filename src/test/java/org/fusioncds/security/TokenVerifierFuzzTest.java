package org.fusioncds.security;

import static org.fusioncds.security.EhrFixture.audiences;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.util.Base64URL;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Damaged tokens end in a coded refusal, never in another exception. */
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

    for (int i = 0; i < ROUNDS; i++) {
      String damaged = i % 2 == 0 ? damageText(token, random) : damageJson(token, random);
      try {
        verifier.verify("Bearer " + damaged, audiences());
      } catch (AuthenticationException e) {
        codes.add(e.code());
      }
    }

    assertTrue(codes.contains(Refusal.MALFORMED_TOKEN.code()), codes.toString());
    assertTrue(codes.contains(Refusal.BAD_SIGNATURE.code()), codes.toString());
    assertTrue(fx.ehr.jwksRequests() <= 2, "JWKS fetched " + fx.ehr.jwksRequests() + " times");
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
