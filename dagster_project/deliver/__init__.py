"""What a province's data officer uses before sending: the workbooks to fill in
(`template.py`, `sapnhap template`) and the check of files before they are sent
(`validate.py`, `sapnhap validate`). Both are derived from the delivery descriptions
(dagster_project/contract/) and the ingest that interprets them: nothing restated here.
"""
