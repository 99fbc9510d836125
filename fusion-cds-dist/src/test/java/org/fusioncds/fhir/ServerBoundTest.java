package org.fusioncds.fhir;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.security.OutboundUrlPolicy;
import org.junit.jupiter.api.Test;

class ServerBoundTest {

  private static final OutboundUrlPolicy ALLOWED =
      new OutboundUrlPolicy(
          OutboundUrlPolicy.Mode.DEV,
          List.of("http://127.0.0.1:8080/fhir", "http://127.0.0.1:9090/fhir"));

  @Test
  void aUrlOnTheClientsOwnOriginGoesOutWhateverItsPath() {
    ServerBound bound = new ServerBound("https://EHR.example.org/fhir", null);

    assertDoesNotThrow(() -> bound.check("https://ehr.example.org/fhir/Observation?page=2"));
    assertDoesNotThrow(() -> bound.check("https://ehr.example.org:443/paging/abc"));
  }

  @Test
  void aHostNameWithAnUnderscoreIsItsOwnOrigin() {
    ServerBound bound = new ServerBound("http://audit_repo:8080/fhir", null);

    assertDoesNotThrow(() -> bound.check("http://AUDIT_REPO:8080/fhir/AuditEvent?page=2"));
    FcdsException e =
        assertThrows(FcdsException.class, () -> bound.check("http://audit_repo:8081/fhir"));
    assertTrue(e.getMessage().contains("http://audit_repo:8080 links to http://audit_repo:8081"));
  }

  @Test
  void anotherOriginIsRefusedWithItsOriginAndNoQuery() {
    ServerBound bound = new ServerBound("https://ehr.example.org/fhir", null);

    for (String url :
        List.of(
            "https://attacker.example.net/fhir?patient=p-1",
            "http://ehr.example.org/fhir?patient=p-1",
            "https://ehr.example.org:8443/fhir?patient=p-1",
            "not a url?patient=p-1")) {
      FcdsException e = assertThrows(FcdsException.class, () -> bound.check(url), url);
      assertEquals(ErrorCode.FHIR_LINK_ELSEWHERE, e.errorCode());
      assertFalse(e.getMessage().contains("p-1"), "no query in the message: " + e.getMessage());
    }
  }

  @Test
  void anotherOriginOnTheAllowlistGoesOutAndOneOffItIsRefusedWithTheAllowlistsCode() {
    ServerBound bound = new ServerBound("http://127.0.0.1:8080/fhir", ALLOWED);

    assertDoesNotThrow(() -> bound.check("http://127.0.0.1:9090/fhir/Observation?page=2"));
    FcdsException e =
        assertThrows(
            FcdsException.class, () -> bound.check("http://127.0.0.1:7070/fhir/Observation"));
    assertEquals(ErrorCode.FHIR_LINK_ELSEWHERE, e.errorCode());
    assertTrue(e.getMessage().contains("http://127.0.0.1:7070"), e.getMessage());
    assertTrue(e.getMessage().contains("FCDS-7031"), "the allowlist's reason: " + e.getMessage());
    assertEquals(null, e.getCause(), "the allowlist's refusal names the path: not kept");
  }
}
