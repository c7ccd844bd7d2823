"""Writes the golden export files the loader tests read. Run once; the files are committed.

Each file is one real-world shape of export (data-contract.md), small enough to
know the exact outcome by reading it.
"""

from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).parent


def write(name: str, text: str, encoding: str = "utf-8") -> None:
    (HERE / name).write_bytes(text.replace("\n", "\r\n").encode(encoding))


def main() -> None:
    header = "concern_id,raised_at,service,category,reviewed_at\n"
    # Windows-1252: Excel's "CSV" on Windows; é is one byte 0xE9
    write("concerns_cp1252.csv",
          "concern_id,raised_at,service,team,category\n"
          "W1,2023-10-04 09:15,Communities,Café outreach,Self-Neglect\n"
          "W2,2023-10-05,Housing Services,Tenancy – North,Hoarding\n", "cp1252")
    (HERE / "concerns_bom.csv").write_bytes(
        b"\xef\xbb\xbf" + (header + "B1,2023-10-04T09:15,Housing Services,Hoarding,2023-10-04T10:15\n").encode())
    write("concerns_semicolon.csv",
          "Concern ID; Raised At ;SERVICE;Category;Reviewed At\n"
          "S1;04/10/2023 09:15;Housing Services;Domestic Abuse, coercive control;04/10/2023 11:15\n"
          "S2;05/10/2023;Community Safety;Exploitation;\n")
    write("concerns_dupheaders.csv",
          "concern_id,Raised At,raised_at,service,category\nD1,2023-10-04,2023-10-04,Housing Services,Hoarding\n")
    write("concerns_trailing.csv",
          "concern_id,raised_at,service,category,,\n"
          "T1,2023-10-04,Housing Services,Hoarding,,\n"
          "T2,2023-10-05,Housing Services,Hoarding,,\n"
          ",,,,,\n\n\n")
    write("concerns_ukdates.csv",
          header
          + "U1,01/02/2024,Housing Services,Hoarding,01/02/2024 10:30\n"
          + "U2,31/02/2022,Housing Services,Hoarding,\n"
          + "U3,2024-02-02 08:00:00,Housing Services,Hoarding,2024-02-01 08:00\n"
          + "U4,02/03/2024 09:00,Housing Services,Hoarding,02/03/2024 09:00\n")
    write("concerns_identity.csv",
          "concern_id,raised_at,service,category,Subject Name,Date of Birth,Postcode,NHS Number,"
          "Email,Phone,Recorded By System\n"
          "I1,2023-10-04,Housing Services,Hoarding,Jane Example,01/01/1950,OX1 1AA,9434765919,"
          "j@example.org,01865 000000,MyConcern\n")
    write("concerns_missing_column.csv", "concern_id,raised_at,category\nM1,2023-10-04,Hoarding\n")
    (HERE / "concerns_undecodable.csv").write_bytes(header.encode() + b"X1,2023-10-04,Housing \x81\x8d,Hoarding,\n")
    write("concerns_duplicates.csv",
          header
          + "P1,2023-10-04,Housing Services,Hoarding,\n"
          + "P1,2023-10-04,Housing Services,Hoarding,\n"
          + "P2,2023-10-04,Housing Services,Hoarding,\n"
          + "P2,2023-10-05,Housing Services,Hoarding,\n")
    write("self_assessment_badrating.csv",
          "year,framework,area,standard_id,standard,self_rating,peer_rating\n"
          "2023,Joint OSCB/OSAB self-assessment,Leadership,1,Senior commitment,green,GREEN\n"
          "2023,Joint OSCB/OSAB self-assessment,Leadership,2,Accountability,Purple,\n"
          "2023,Joint OSCB/OSAB self-assessment,Leadership,3,Training,Amber,Platinum\n")
    write("outcomes_funnel.csv",
          "period,programme,measure,sought,engaged,positive,negative\n"
          "2020-21,Mental health tenancy support,Avoided admission,41,27,13,6\n"
          "2020-21,Tenancy sustainment,Tenancy kept,20,25,10,\n"
          "2020-21,Youth Ambition,Into education,30,12,14,0\n"
          "2020-21,Rough sleeper outreach,Housed,10,8,5,4\n"
          "2020-21,Refugee resettlement,Settled,-1,0,0,0\n"
          "2020-21,Make Every Adult Matter,Engaged in support,,12,7,\n")
    write("training_booleans.csv",
          "snapshot_date,staff_id,service,course,level,required,completed_on,expires_on\n"
          "2023-12-31,007,Housing Services,Safeguarding awareness,1,Y,2021-01-01,\n"
          "2023-12-31,008,Housing Services,Safeguarding awareness,1,yes,2020-12-01,\n"
          "2023-12-31,009,Housing Services,Safeguarding awareness,1,TRUE,,\n"
          "2023-12-31,010,Housing Services,Safeguarding awareness,1,0,2023-01-01,\n"
          "2023-12-31,011,Housing Services,Safeguarding awareness,4,maybe,2023-13-45,\n")
    write("survey_responses_wide.csv",
          "response_id,survey_id,service,know_how_to_report,confident_raising,Respondent Email\n"
          "R1,2023,Housing Services,Yes,Very confident,a@example.org\n"
          "R2,2023,Community Safety,Yes,,b@example.org\n"
          "R3,2023,Community Safety,No,Not confident,\n")

    wb = Workbook()
    ws = wb.active
    ws.title = "Matrix"
    ws.append(["Training matrix export 31/12/2023"])
    ws.append([])
    ws.append(["Snapshot Date", "Staff ID", "Service", "Course", "Required", "Completed On", "Employee Name"])
    ws.append(["31/12/2023", "00731", "Councillors", "Councillor safeguarding briefing", "Y", "2023-05-17", "Cllr X"])
    ws.append(["31/12/2023", "00732", "Councillors", "Councillor safeguarding briefing", "N", None, "Cllr Y"])
    ws.append([None, None, None, None, None, None, None])
    wb.save(HERE / "training_title.xlsx")


if __name__ == "__main__":
    main()
