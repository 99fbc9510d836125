package org.fusioncds.flow;

/**
 * A stage that knows its job and result key: what a dead letter names (enough to replay, no patient
 * data).
 */
public interface Keyed {

  EvaluationJob job();

  ResultKey key();
}
