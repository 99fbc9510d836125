package org.fusioncds.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import org.fusioncds.error.FcdsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceTokensTest {

  @TempDir Path folder;

  @Test
  void noneSendsNoToken() {
    assertNull(ServiceTokens.from("none", "", "fusion-cds", "", "", "").orNull());
  }

  @Test
  void anUnknownModeIsRefusedWithItsCode() {
    FcdsException e =
        assertThrows(
            FcdsException.class,
            () -> ServiceTokens.from("basic", "https://sso.example.invalid/t", "c", "s", "", ""));
    assertEquals(7060, e.code());
  }

  @Test
  void aClientSecretWithoutSecretIsRefused() {
    FcdsException e =
        assertThrows(
            FcdsException.class,
            () ->
                ServiceTokens.from(
                    "client-secret", "https://sso.example.invalid/t", "c", "", "", ""));
    assertEquals(7061, e.code());
    assertTrue(e.getMessage().contains("client-secret"), e.getMessage());
  }

  @Test
  void aKeyFileWithOnlyThePublicHalfIsRefused() throws Exception {
    RSAKey key = new RSAKeyGenerator(2048).keyID("k1").generate();
    Path file = folder.resolve("public.jwk");
    Files.writeString(file, key.toPublicJWK().toJSONString());

    FcdsException e =
        assertThrows(
            FcdsException.class,
            () ->
                ServiceTokens.from(
                    "private-key-jwt",
                    "https://sso.example.invalid/t",
                    "c",
                    "",
                    file.toString(),
                    ""));
    assertEquals(7062, e.code());
  }

  @Test
  void aPrivateKeyFileGivesATokenSourceWithoutCallingAnyone() throws Exception {
    RSAKey key = new RSAKeyGenerator(2048).keyID("k1").generate();
    Path file = folder.resolve("private.jwk");
    Files.writeString(file, key.toJSONString());

    ServiceTokens tokens =
        ServiceTokens.from(
            "private-key-jwt", "https://sso.example.invalid/t", "c", "", file.toString(), "");

    assertTrue(tokens.orNull() instanceof ClientCredentialsTokens);
    assertEquals(0, ((ClientCredentialsTokens) tokens.orNull()).requestsMade());
  }
}
