package org.fusioncds.sandbox.cohort;

import java.util.Set;

/**
 * The clinical truth of one synthetic patient: demographics, comorbidities, the label and the
 * latent states every modality is drawn from (see {@link ClinicalModel}).
 *
 * @param age age in years at the visit, 18–95
 * @param female administrative sex
 * @param comorbidities the comorbidities present
 * @param pneumonia the label
 * @param inflammation latent systemic inflammation, N(1.2·label, 1): drives WBC, CRP, PCT, fever
 * @param respiratory latent respiratory compromise, N(0.8·label, 1): drives resp. rate and SpO2
 * @param imageEvidence latent radiographic evidence, N(1.35·label, 1): drives the opacities
 */
record Clinical(
    int age,
    boolean female,
    Set<Comorbidity> comorbidities,
    boolean pneumonia,
    double inflammation,
    double respiratory,
    double imageEvidence) {

  boolean has(Comorbidity c) {
    return comorbidities.contains(c);
  }
}
