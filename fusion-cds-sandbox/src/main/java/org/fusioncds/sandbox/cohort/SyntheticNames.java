package org.fusioncds.sandbox.cohort;

import java.util.List;

/**
 * Family names of the generated patients. Distinct across patients, as real names are, and none of
 * them a word the product itself prints ("Synthetic" was, in every model card's warning), so that a
 * test scanning the logs for patients' names finds a leaked name and nothing else.
 */
public final class SyntheticNames {

  /** The names drawn from, by patient id. */
  public static final List<String> FAMILIES =
      List.of(
          "Abernathy",
          "Balogun",
          "Castellanos",
          "Drummond",
          "Esterhazy",
          "Fitzwilliam",
          "Gallagher",
          "Hallorann",
          "Ishikawa",
          "Jovanovic",
          "Kowalczyk",
          "Lindqvist",
          "Montgomery",
          "Nakashima",
          "Oyelaran",
          "Pemberton",
          "Quintero",
          "Rasmussen",
          "Szczepanski",
          "Thorvaldsen",
          "Uchenna",
          "Valdivieso",
          "Whitcombe",
          "Yamamoto",
          "Zielinski");

  private SyntheticNames() {}

  /** The family name of the patient with this id: the same id, the same name. */
  public static String family(String patientId) {
    return FAMILIES.get(Math.floorMod(patientId.hashCode(), FAMILIES.size()));
  }
}
