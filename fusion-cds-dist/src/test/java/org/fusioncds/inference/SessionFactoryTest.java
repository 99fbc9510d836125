package org.fusioncds.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnxruntime.OrtSession.SessionOptions;
import org.junit.jupiter.api.Test;

class SessionFactoryTest {

  private static final String SPINNING = "session.intra_op.allow_spinning";

  @Test
  void intraOpThreadsSleepAfterARunUnlessSpinningIsAllowed() throws Exception {
    try (SessionOptions o = new SessionFactory(new InferenceSettings("cpu", 2, 1)).options()) {
      assertEquals("0", o.getConfigEntries().get(SPINNING));
    }
    InferenceSettings spinning = new InferenceSettings("cpu", 2, 1, Batching.DEFAULT, true);
    try (SessionOptions o = new SessionFactory(spinning).options()) {
      assertEquals("1", o.getConfigEntries().get(SPINNING));
    }
  }
}
