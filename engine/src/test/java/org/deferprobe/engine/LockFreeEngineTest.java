package org.deferprobe.engine;

class LockFreeEngineTest extends EngineContractTest {
    LockFreeEngineTest() { super(EngineType.LOCK_FREE); }
}
