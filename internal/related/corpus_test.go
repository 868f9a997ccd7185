package related

// A small French newsroom: four stories on arms control, two on cooking,
// one on the central bank and one on elections.
var (
	armsTalks = story{section: "international", daysAgo: 1, tags: []string{"desarmement"},
		headline:   "New START : Moscou et Washington relancent les négociations sur les armes nucléaires",
		standfirst: "Les deux puissances nucléaires reprennent à Genève les discussions sur le contrôle des armements.",
		body: `Les délégations russe et américaine se sont retrouvées mardi à **Genève** pour relancer les
négociations sur le traité *New START*, qui limite le nombre d’ogives nucléaires stratégiques déployées.

## Un traité à bout de souffle

Le traité plafonne à 1 550 le nombre d'ogives nucléaires et à 700 celui des lanceurs. Les inspections
sont suspendues depuis 2022, et les experts du [désarmement](https://example.org/desarmement) redoutent
une nouvelle course aux armements.`}
	armsUN = story{section: "international", daysAgo: 3, tags: []string{"desarmement", "onu"},
		headline:   "Désarmement nucléaire : l’ONU appelle à prolonger le traité New START",
		standfirst: "Le secrétaire général demande aux puissances nucléaires de préserver le contrôle des armements.",
		body: `Devant l'Assemblée générale, le secrétaire général a exhorté Moscou et Washington à prolonger le
traité New START, dernier accord de contrôle des armements nucléaires entre les deux pays.

> Sans traité, plus aucune limite ne pèsera sur les arsenaux nucléaires.

Les ogives déployées et les lanceurs stratégiques échapperaient à toute vérification.`}
	armsReport = story{section: "international", daysAgo: 6,
		headline:   "Les ogives nucléaires déployées repartent à la hausse, selon un rapport",
		standfirst: "L'institut de Stockholm constate la fin du désarmement et l'essor des arsenaux nucléaires.",
		body: `Le rapport annuel sur les armements relève une hausse du nombre d’ogives nucléaires déployées.
Les puissances nucléaires modernisent leurs arsenaux, tandis que le contrôle des armements recule :
le traité New START expire, Moscou et Washington ne négocient plus, et les traités de désarmement
tombent un à un. Les ogives stratégiques de la Russie et des États-Unis représentent l'essentiel
des armes nucléaires de la planète.`}
	armsTest = story{section: "international", daysAgo: 10, tags: []string{"desarmement"},
		headline:   "Essais nucléaires : la Russie retire sa ratification du traité d'interdiction",
		standfirst: "Moscou dit vouloir rétablir la parité avec Washington, sans reprendre les essais.",
		body: `La Douma a voté le retrait de la ratification du traité d'interdiction complète des essais
nucléaires. Les experts du contrôle des armements craignent une reprise des essais et une relance de la
course aux armements nucléaires entre Moscou et Washington, alors que le traité New START, qui limite
les ogives nucléaires déployées, arrive à échéance. Le désarmement nucléaire recule.`}
	blanquette = story{section: "cuisine", daysAgo: 2, tags: []string{"recettes"},
		headline:   "La recette de la blanquette de veau, sans crème ni regrets",
		standfirst: "Un classique de la cuisine française, revisité par une cheffe lyonnaise.",
		body: `Faites revenir le veau dans une cocotte avec les carottes et les oignons, puis mouillez avec un
bouillon. Laissez mijoter deux heures à feu doux. La sauce, liée au jaune d'œuf, remplace la crème.`}
	tarte = story{section: "cuisine", daysAgo: 4, tags: []string{"recettes"},
		headline:   "Tarte aux pommes : les secrets d’une pâte feuilletée réussie",
		standfirst: "Beurre froid, farine et patience : la recette d'un pâtissier.",
		body: `Étalez la pâte feuilletée, disposez les pommes en rosace et saupoudrez de sucre. Enfournez
quarante minutes. Le beurre doit rester froid pour que la pâte lève au four.`}
	bce = story{section: "economie", daysAgo: 2,
		headline:   "La BCE maintient ses taux directeurs malgré l'inflation",
		standfirst: "La banque centrale juge la hausse des prix passagère.",
		body:       `La Banque centrale européenne a laissé ses taux inchangés. L’inflation reste supérieure à l'objectif.`}
	municipales = story{section: "politique", daysAgo: 5,
		headline:   "Élections municipales : la participation en forte baisse",
		standfirst: "Moins d'un électeur sur deux s'est déplacé dimanche.",
		body:       `L’abstention atteint un niveau record dans les grandes villes, selon les premiers résultats.`}
)
