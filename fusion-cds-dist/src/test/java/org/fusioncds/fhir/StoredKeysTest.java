package org.fusioncds.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.fusioncds.flow.ResultKey;
import org.fusioncds.flow.StoredKeys;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.junit.jupiter.api.Test;

/**
 * The stored reports' keys read beside the labs rule a key out only when the server's answer was
 * whole: one page, not full, no {@code next} link, no larger total. Anything else leaves the key to
 * its lookup.
 */
class StoredKeysTest {

  private static final ResultKey NEW = new ResultKey("b".repeat(64));
  private static final ResultKey STORED = new ResultKey("a".repeat(64));

  @Test
  void theSearchAsksForThePatientsReportsWithAResultKeyIdentifiersOnly() {
    assertEquals(
        "DiagnosticReport?subject=Patient/p-1&identifier=urn:fusion-cds:result-key|"
            + "&_elements=identifier&_count=50",
        FhirGateway.storedKeysSearch("p-1"));
  }

  @Test
  void aWholeAnswerRulesOutAKeyNoReportCarriesAndNotOneAReportCarries() {
    StoredKeys keys = FhirGateway.storedKeys(page(report(STORED.value()), report(null)));

    assertEquals(Set.of(STORED.value()), keys.keys());
    assertTrue(keys.rulesOut(NEW));
    assertFalse(keys.rulesOut(STORED));
  }

  @Test
  void anEmptyAnswerRulesOutEveryKey() {
    assertTrue(FhirGateway.storedKeys(page()).rulesOut(NEW));
  }

  @Test
  void aPageWithANextLinkRulesOutNothing() {
    Bundle page = page(report(STORED.value()));
    page.addLink().setRelation(Bundle.LINK_NEXT).setUrl("http://fhir.example/next");

    assertFalse(FhirGateway.storedKeys(page).rulesOut(NEW));
  }

  @Test
  void aFullPageRulesOutNothingEvenWithoutANextLink() {
    Bundle page = page();
    for (int i = 0; i < FhirGateway.KEYS_PAGE; i++) {
      page.addEntry().setResource(report(String.format("%064d", i)));
    }

    assertFalse(FhirGateway.storedKeys(page).rulesOut(NEW));
  }

  @Test
  void aTotalLargerThanThePageRulesOutNothing() {
    Bundle page = page(report(STORED.value()));
    page.setTotal(2);

    assertFalse(FhirGateway.storedKeys(page).rulesOut(NEW));
  }

  @Test
  void unknownKeysRuleOutNothing() {
    assertFalse(StoredKeys.UNKNOWN.rulesOut(NEW));
  }

  private static Bundle page(DiagnosticReport... reports) {
    Bundle b = new Bundle().setType(Bundle.BundleType.SEARCHSET);
    for (DiagnosticReport r : reports) {
      b.addEntry().setResource(r);
    }
    return b;
  }

  /** A report as the search returns it; {@code key} null: an identifier of another system. */
  private static DiagnosticReport report(String key) {
    DiagnosticReport r = new DiagnosticReport();
    if (key == null) {
      r.addIdentifier().setSystem("urn:oid:1.2.3").setValue("radiology-42");
    } else {
      r.addIdentifier().setSystem(ResultKey.SYSTEM).setValue(key);
    }
    return r;
  }
}
