"""Targets (chỉ tiêu): what a resolution asks of an organisation, and where each one stands.

- `models`: the targets and the documents they cite;
- `services`: saving, copying last year's, splitting among sub-organisations;
- `status`: the one rule that says chưa đạt / đạt / vượt, % achieved and the pace;
- `evaluation`: every target of an organisation for a period, from `reports.figures`;
- `imports`: the target sheets, through the enterprise lists' import machinery.
"""
