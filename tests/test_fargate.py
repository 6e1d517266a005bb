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
