package io.goldgate.admin;

import io.goldgate.testing.SampleLake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** Embedded mode: no answer and no log line discloses a token or its hash. */
@QuarkusTest
@WithTestResource(SampleLake.class)
class RecipientNoLeakTest {

  @Test
  void givenAScriptedLifecycle_thenNoAnswerAndNoLogLineHoldsATokenOrItsHash() {
    NoLeakScenario.run(RecipientApi.uniqueName("leakcheck"));
  }
}
