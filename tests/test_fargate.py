"""The Fargate size table and unit forms, checked against the ECS guide's figures."""
import pytest

from generator import fargate


@pytest.mark.parametrize("text,units", [(256, 256), ("256", 256), ("0.25 vCPU", 256), (".25vcpu", 256),
                                        ("1 vCPU", 1024), ("16 vCPU", 16384), (2048.0, 2048)])
def test_cpu_forms(text, units):
    assert fargate.parse_cpu(text) == units


@pytest.mark.parametrize("text,mib", [(512, 512), ("512", 512), ("512 MiB", 512), ("1gb", 1024), ("1 GB", 1024),
                                      ("0.5 GB", 512), ("30GiB", 30720)])
def test_memory_forms(text, mib):
    assert fargate.parse_memory(text) == mib


@pytest.mark.parametrize("bad", ["fast", "0.1 vCPU", True, -1, "1 TB"])
def test_bad_sizes_are_value_errors(bad):
    with pytest.raises(ValueError):
        fargate.parse_cpu(bad) if not str(bad).endswith("TB") else fargate.parse_memory(bad)


def test_table_matches_the_guide():
    assert fargate.valid_memory(256) == (512, 1024, 2048)
    assert fargate.valid_memory(4096)[0] == 8192 and fargate.valid_memory(4096)[-1] == 30720
    assert fargate.valid_memory(8192) == tuple(range(16384, 61441, 4096))
    assert fargate.valid_memory(16384) == tuple(range(32768, 122881, 8192))
    assert fargate.is_valid(512, 4096) and not fargate.is_valid(512, 512)


def test_rounding_up():
    assert fargate.smallest_fitting(100, 300) == (256, 512)
    assert fargate.smallest_fitting(256, 3000) == (512, 3072)
    assert fargate.smallest_fitting(1024, 9000) == (2048, 9216)
    assert fargate.smallest_fitting(16384, 130000) is None


#: The ECS developer guide's table ("Task CPU and memory", Fargate, Linux), written out independently of
#: generator/fargate.py: cpu units -> every memory value in MiB it accepts.
GUIDE = {
    256: [512, 1024, 2048],
    512: [gib * 1024 for gib in range(1, 5)],
    1024: [gib * 1024 for gib in range(2, 9)],
    2048: [gib * 1024 for gib in range(4, 17)],
    4096: [gib * 1024 for gib in range(8, 31)],
    8192: [gib * 1024 for gib in range(16, 61, 4)],
    16384: [gib * 1024 for gib in range(32, 121, 8)],
}


def test_the_whole_table_is_the_guide():
    assert {cpu: list(memory) for cpu, memory in fargate.COMBINATIONS.items()} == GUIDE


def _one_step_outside(cpu: int) -> list[int]:
    step = GUIDE[cpu][1] - GUIDE[cpu][0] if cpu != 256 else 512
    return [GUIDE[cpu][0] - step, GUIDE[cpu][-1] + step]


@pytest.mark.parametrize("cpu", sorted(GUIDE))
def test_a_blueprint_builds_exactly_the_sizes_fargate_runs(cpu):
    """What a user sees: every size of the guide validates, one step outside either end is a positioned error."""
    from generator.errors import InputError
    from generator.model import load_blueprint_text

    def blueprint(memory: int) -> str:
        return ("name: shop\nnetwork: {cidr: 10.20.0.0/16}\nservices:\n"
                f"  worker: {{image: public.ecr.aws/nginx/nginx:1.27, cpu: {cpu}, memory: {memory}}}\n")

    for memory in GUIDE[cpu]:
        load_blueprint_text(blueprint(memory), "shop.yaml")
    for memory in _one_step_outside(cpu):
        with pytest.raises(InputError, match=r"shop\.yaml:4:\d+: services\.worker\.memory: "):
            load_blueprint_text(blueprint(memory), "shop.yaml")
