from sg_data.frame import frame

frame()

import streamlit as st  # noqa: E402

# The accessibility statement the Public Sector Bodies (Websites and Mobile Applications) (No. 2)
# Accessibility Regulations 2018 require, in the structure of the GOV.UK model statement.
# The deploying council replaces every value marked TO REPLACE below before publishing.
SITE = "the safeguarding trends dashboard"
COUNCIL = "the council"  # TO REPLACE: the council's name
CONTACT = "the council's safeguarding coordinator"  # TO REPLACE: the team or role that answers
EMAIL = "safeguarding@council.example"  # TO REPLACE: a monitored address
REPLY_DAYS = 10  # TO REPLACE: the council's own reply time, in working days
TESTED_ON = "22 November 2026"  # the date tests/browser last ran in full against every page
PREPARED_ON = "22 November 2026"

#: Known accessibility problems that come from Streamlit, the framework the dashboard is built with:
#: (what a user meets, the WCAG 2.2 success criterion, the upstream issue). Every entry of
#: tests/browser/axe_allowlist.json is listed here too; a browser test checks that.
STREAMLIT_ISSUES = (
    ("In a data table, the menu in each column heading (to sort, format or hide the column) cannot be reached "
     "with the keyboard, only with a mouse. The same table can be downloaded as CSV with the button under it.",
     "2.1.1 Keyboard",
     "https://github.com/streamlit/streamlit/issues/13332"),
)

st.title(f"Accessibility statement for {SITE}")
st.warning(
    f"**Placeholders, to be replaced by the council that publishes the dashboard:** the contact ({CONTACT}), "
    f"the email address ({EMAIL}) and the reply time on this page are examples.",
    icon=":material/edit_note:")

st.markdown(f"""
This accessibility statement applies to {SITE}, run by {COUNCIL}. It shows the council's safeguarding
figures: concerns raised, review timeliness, training coverage, the staff survey, the self-assessment and
outcomes.

We want as many people as possible to be able to use this website. For example, that means you should be able to:

- change colours, contrast levels and fonts using browser or device settings
- zoom in up to 400% without the text spilling off the screen
- navigate the website, its filters and its downloads using just a keyboard
- navigate most of the website using speech recognition software
- listen to most of the website using a screen reader (including recent versions of JAWS, NVDA and VoiceOver)

We've also made the website text as simple as possible to understand. Every figure has its definition in
plain words beside it, and on the Definitions page.

[AbilityNet](https://mcmw.abilitynet.org.uk/) has advice on making your device easier to use if you have a disability.
""")

st.header("How accessible this website is")
st.markdown("""
We know some parts of this website are not fully accessible:

- the charts are pictures: each has a one-sentence summary before it (which is also the chart's name for a
  screen reader) and a table of exactly what it shows after it, but the chart itself cannot be explored
  with a keyboard or a screen reader
- the data tables are drawn as pictures with an accessible grid behind them: a screen reader reads the rows
  in view and moves through the rest with the arrow keys; the menus in the column headings (sort, hide)
  cannot be reached with the keyboard (see "Non-accessible content" below); every table can be downloaded
  as a CSV file instead
""")

st.header("Getting the figures another way")
st.markdown("""
Every figure is available without the charts:

- **Every chart has a table** straight after it, with exactly the figures the chart shows, and a
  **Download (CSV)** button for that table. A CSV file opens in Excel, LibreOffice or any screen-reader-friendly
  spreadsheet.
- **The briefing**: the Overview page prepares the quarterly briefing as a **Word document** (also PDF or a web
  page), with the headline figures, the sentences in plain words, each chart's table and the definitions.
- The **Overview** page says the headline figures in plain sentences under "In plain words".
""")

st.header("Feedback and contact information")
st.markdown(f"""
If you need information on this website in a different format, such as accessible PDF, large print,
easy read, audio recording or braille, contact {CONTACT}:

- email: [{EMAIL}](mailto:{EMAIL})

We'll consider your request and get back to you within {REPLY_DAYS} working days.
""")

st.header("Reporting accessibility problems with this website")
st.markdown(f"""
We're always looking to improve the accessibility of this website. If you find any problems not listed on
this page or think we're not meeting accessibility requirements, contact {CONTACT} at
[{EMAIL}](mailto:{EMAIL}).
""")

st.header("Enforcement procedure")
st.markdown("""
The Equality and Human Rights Commission (EHRC) is responsible for enforcing the Public Sector Bodies
(Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018 (the "accessibility regulations").
If you're not happy with how we respond to your complaint, contact the
[Equality Advisory and Support Service (EASS)](https://www.equalityadvisoryservice.com/).
""")

st.header("Technical information about this website's accessibility")
st.markdown(f"""
{COUNCIL.capitalize()} is committed to making its website accessible, in accordance with the Public Sector
Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018.
""")

st.subheader("Compliance status")
st.markdown("""
This website is partially compliant with the
[Web Content Accessibility Guidelines version 2.2](https://www.w3.org/TR/WCAG22/) AA standard, due to the
non-compliances listed below.
""")

st.subheader("Non-accessible content")
st.markdown("The content listed below is non-accessible for the following reasons.")
st.markdown("**Non-compliance with the accessibility regulations**")
st.markdown("These problems come from Streamlit, the open-source framework the dashboard is built with. "
            "Each is reported to Streamlit's developers; we will take up their fixes as they are released.")
st.markdown("\n".join(f"- {what} This fails WCAG 2.2 success criterion {criteria}. Reported upstream: [{url}]({url})."
                      for what, criteria, url in STREAMLIT_ISSUES))

st.markdown("**Disproportionate burden**")
st.markdown("We are not claiming disproportionate burden for any content.")

st.markdown("**Content that's not within the scope of the accessibility regulations**")
st.markdown("The council's source exports loaded into the dashboard are not published on this website.")

st.header("What we're doing to improve accessibility")
st.markdown("""
Every change to the dashboard is tested automatically before it is released (see below), so that a new
problem is found before users meet it. We will update the dashboard when Streamlit releases fixes for the
problems listed above.
""")

st.header("Preparation of this accessibility statement")
st.markdown(f"""
This statement was prepared on {PREPARED_ON}. This website was last tested on {TESTED_ON}.

How we tested it: automated tests open every page of the dashboard in the Chromium web browser and

- check every page with [axe-core](https://github.com/dequelabs/axe-core) against WCAG 2.2 A and AA; any
  serious or critical problem stops the release, unless it comes from Streamlit itself and is listed above
- change the period filter and move between pages with the keyboard alone
- check that every chart is drawn, has its summary and its table, and that every CSV download opens
- check that the Scrutiny view shows no count from 1 to 5 in any table

The tests run on every change; the date above is updated when the statement is reviewed. The deploying
council should add its own checks with users of assistive technology.
""")
