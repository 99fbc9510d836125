package org.fusioncds.sandbox;

import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * Which resources a sandbox fault acts on: those of one type whose {@code subject} names one
 * patient ({@code Patient/x}, as the resource writes it), so that another patient's writes (another
 * writer's) pass untouched.
 */
record ResourceAbout(String type, String subject) {

  boolean matches(Resource r) {
    if (!type.equals(r.fhirType()) || !r.getNamedProperty("subject").hasValues()) {
      return false;
    }
    Base named = r.getNamedProperty("subject").getValues().get(0);
    return named instanceof Reference ref && subject.equals(ref.getReference());
  }
}
