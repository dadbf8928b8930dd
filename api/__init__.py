"""policykg: knowledge graphs of the laws, agencies, programs and regions cited in Chinese
rule-of-law government (法治政府建设) annual reports."""

__version__ = "0.1.0"
