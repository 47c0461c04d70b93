package org.deferprobe.engine;

class IndexedEngineTest extends EngineContractTest {
    IndexedEngineTest() { super(EngineType.INDEXED); }
}
