package org.deferprobe.engine;

class GlobalLockEngineTest extends EngineContractTest {
    GlobalLockEngineTest() { super(EngineType.GLOBAL_LOCK); }
}
