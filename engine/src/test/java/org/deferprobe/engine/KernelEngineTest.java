package org.deferprobe.engine;

class KernelEngineTest extends EngineContractTest {
    KernelEngineTest() { super(EngineType.KERNEL); }
}
