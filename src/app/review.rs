//! Read models of the review tracker shared by the pages and the API.
