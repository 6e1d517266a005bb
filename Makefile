# Two commands set up a fresh machine: `make build` and `make test`.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
CHECKOV_VENV := .venv-checkov
CHECKOV_VERSION := 3.3.30
STAMP := $(VENV)/.installed
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed
# Wheels of stackprint's dependencies (and of setuptools/wheel for building), fetched while the registry is
# reachable, so tests/test_wheel.py can install the built wheel into a fresh venv offline.
WHEELHOUSE := .wheelhouse
WHEELHOUSE_STAMP := $(WHEELHOUSE)/.installed
AWSCLI_VENV := .venv-awscli
AWSCLI_VERSION := 1.46.3
AWSCLI_STAMP := $(AWSCLI_VENV)/.installed

.PHONY: build test check bench bench-cdk clean chromium fuzz

$(STAMP): pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

# checkov is a comparison tool for the tests only; its pins clash with ours, so it lives apart.
$(CHECKOV_STAMP):
	test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --disable-pip-version-check checkov==$(CHECKOV_VERSION)
	touch $@

$(WHEELHOUSE_STAMP): pyproject.toml $(STAMP)
	rm -rf $(WHEELHOUSE)
	$(VENV)/bin/python -m pip wheel --quiet --disable-pip-version-check -w $(WHEELHOUSE) . setuptools wheel
	touch $@

# The real aws CLI, for the test that types the environment README's commands; its botocore pin clashes with our boto3.
$(AWSCLI_STAMP):
	test -x $(AWSCLI_VENV)/bin/python || $(PYTHON) -m venv $(AWSCLI_VENV)
	$(AWSCLI_VENV)/bin/python -m pip install --quiet --disable-pip-version-check awscli==$(AWSCLI_VERSION)
	touch $@

# Headless Chromium for tests/report/test_browser.py (the HTML report must render in a real browser). Debian's
# package; CI runs as root on Debian. Installed only when missing.
chromium:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq >/dev/null && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

build: $(STAMP)
	$(VENV)/bin/stackprint build

test: $(STAMP) $(CHECKOV_STAMP) $(WHEELHOUSE_STAMP) $(AWSCLI_STAMP) chromium
	STACKPRINT_CHECKOV=$(CURDIR)/$(CHECKOV_VENV)/bin/checkov STACKPRINT_WHEELHOUSE=$(CURDIR)/$(WHEELHOUSE) \
		STACKPRINT_CHROMIUM=$$(command -v chromium || echo chromium) STACKPRINT_AWS=$(CURDIR)/$(AWSCLI_VENV)/bin/aws \
		$(VENV)/bin/python -m pytest -q -n auto

# The long fuzz profile: 20,000 random cases per target (validate, build, audit, migrate); `make test` runs the
# bounded "ci" profile of the same targets. Takes hours on a small machine; run it before a release.
# Targets run one after another, the slowest (build: cfn-lint per valid case) last; every one runs even if one
# fails. STACKPRINT_FUZZ_PROGRESS=FILE logs every 1,000th case (how far a long run got).
fuzz: $(STAMP)
	status=0; for target in validate audit migrate build; do \
		STACKPRINT_FUZZ_PROFILE=long $(VENV)/bin/python -m pytest -q -p no:cacheprovider \
			tests/fuzz/test_fuzz_targets.py::test_$$target --hypothesis-show-statistics || status=1; \
	done; exit $$status

check: $(STAMP)
	$(VENV)/bin/stackprint check

# bench/vs_cdk.py compares with CDK synth when node and bench/cdk/node_modules are there: `make bench-cdk`
# installs the pinned aws-cdk-lib from bench/cdk/package-lock.json, once (the registry is needed only then; the
# benchmark itself runs offline). Where npm is missing it says so and the benchmarks print stackprint alone.
CDK_STAMP := bench/cdk/node_modules/.installed
$(CDK_STAMP): bench/cdk/package.json bench/cdk/package-lock.json
	cd bench/cdk && { npm ci --no-audit --no-fund --loglevel=error || npm install --no-audit --no-fund --loglevel=error; }
	touch $@

bench-cdk:
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory $(CDK_STAMP); \
	else echo "npm not found: bench/vs_cdk.py will measure stackprint alone"; fi

bench: $(STAMP) bench-cdk
	for b in bench/*.py; do $(VENV)/bin/python $$b || exit 1; done

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) $(WHEELHOUSE) $(AWSCLI_VENV) build *.egg-info
