DROP TABLE annual_list_publications;
DROP TABLE decision_stages;
DROP TABLE decisions;
DROP TABLE campaign_documents;
DROP TABLE campaigns;
