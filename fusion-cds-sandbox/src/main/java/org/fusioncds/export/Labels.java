package org.fusioncds.export;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;

/** {@code labels.csv} of a cohort: header {@code patient_id,study_uid,label}, label 0 or 1. */
final class Labels {

  record Row(String patientId, String studyUid, long label) {}

  private Labels() {}

  static Map<String, Row> read(Path csv) {
    List<String> lines;
    try {
      lines = Files.readAllLines(csv);
    } catch (IOException e) {
      throw new FcdsException(
          ErrorCode.COHORT_FOLDER_INVALID, "cohort labels.csv unreadable — " + csv, e);
    }
    if (lines.isEmpty() || !lines.get(0).trim().equals("patient_id,study_uid,label")) {
      throw new FcdsException(
          ErrorCode.COHORT_FOLDER_INVALID,
          "labels.csv header must be patient_id,study_uid,label — " + csv);
    }
    Map<String, Row> rows = new HashMap<>();
    for (int i = 1; i < lines.size(); i++) {
      if (!lines.get(i).isBlank()) {
        Row r = row(lines.get(i), i + 1);
        rows.put(r.patientId(), r);
      }
    }
    return rows;
  }

  private static Row row(String line, int number) {
    String[] f = line.trim().split(",", -1);
    if (f.length != 3 || !(f[2].equals("0") || f[2].equals("1"))) {
      throw new FcdsException(
          ErrorCode.COHORT_FOLDER_INVALID,
          "labels.csv line " + number + " is not id,uid,0|1 — " + line);
    }
    return new Row(f[0], f[1], Long.parseLong(f[2]));
  }
}
